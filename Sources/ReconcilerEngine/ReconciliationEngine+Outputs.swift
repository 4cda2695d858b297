import Foundation
import HTTP
import ReconcilerCore
import Reports

extension ReconciliationEngine {
    /// Posts `message` (Slack-compatible `{"text": ...}`) to `notify.webhookUrl` with a few
    /// retries; a notification that cannot be delivered is logged (host only: a webhook URL
    /// holds a token) and changes nothing else.
    func postNotification(_ message: String, run: String) async {
        guard let url = settings.configuration.notifyWebhookURL else { return }
        let host = (try? HTTPURLPolicy.check(url).host) ?? "the webhook"
        let client = HTTPClient(
            configuration: HTTPClientConfiguration(
                userAgent: ProductVersion.userAgent, connectTimeout: .seconds(5), totalTimeout: .seconds(15),
                maximumConcurrentRequests: 1, maximumBodyBytes: 1 << 20))
        let request = HTTPRequest(
            method: .post, url: url, headers: [("Content-Type", "application/json")],
            body: Array(NotificationText.body(message).utf8))
        let delays = settings.notifyRetryDelays
        var problem = ""
        for attempt in 0...delays.count {
            if attempt > 0 { try? await Task.sleep(for: delays[attempt - 1]) }
            do {
                let response = try await client.send(request)
                if response.isSuccess {
                    event(.info, "notification sent", ["run": run, "host": host])
                    return
                }
                problem = "HTTP \(response.status)"
                // A 4xx other than 429 will not pass by retrying (wrong or revoked webhook).
                if response.status < 500 && response.status != 429 { break }
            } catch {
                problem = error.description
                if !error.isTransient { break }
            }
        }
        event(
            .warning, "notification not delivered; check notify.webhookUrl (the run itself is recorded)",
            ["run": run, "host": host, "error": problem])
    }

    /// For a run that failed before it was recorded (the database or the configuration was not
    /// usable): the metrics say so, keeping the last success of the previous file, and ops are
    /// notified.
    func publishUnrecordedFailure(_ failure: RunFailure) async {
        if case .lockHeld = failure { return }
        let now = Date()
        if let path = settings.configuration.metricsTextfile {
            let metrics = MetricsFile(
                lastRun: Int64(now.timeIntervalSince1970.rounded(.down)),
                lastSuccess: MetricsFile.lastSuccess(inFileAt: path), durationMilliseconds: 0, status: .failed,
                paymentsScanned: 0, fixesApplied: MetricsFile.noFixes, openDiscrepancies: [],
                creditsGranted: 0, creditsDeducted: 0, apiOutcomes: [:])
            do {
                try metrics.write(to: path)
            } catch {
                event(.error, "metrics file not written", ["error": error.description])
            }
        }
        await postNotification(
            "credit-reconciler: a run failed before it could be recorded: \(failure.description)", run: "none")
    }
}
