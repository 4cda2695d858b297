import Foundation
import HTTP
import ReconcilerCore
import Reports

extension Run {
    /// Posts the Slack-compatible summary to `notify.webhookUrl` when the recorded run failed or
    /// opened a new critical discrepancy, with a few retries. A notification that cannot be
    /// delivered is logged and changes nothing about the run.
    func sendNotification() async {
        guard let url = configuration.notifyWebhookURL, let document = notification,
            let message = NotificationText.message(document)
        else { return }
        let host = (try? HTTPURLPolicy.check(url).host) ?? "the webhook"
        let client = HTTPClient(
            configuration: HTTPClientConfiguration(
                userAgent: ProductVersion.userAgent, connectTimeout: .seconds(5), totalTimeout: .seconds(15),
                maximumConcurrentRequests: 1, maximumBodyBytes: 1 << 20))
        let request = HTTPRequest(
            method: .post, url: url, headers: [("Content-Type", "application/json")],
            body: Array(NotificationText.body(message).utf8))
        let delays = engine.settings.notifyRetryDelays
        var problem = ""
        for attempt in 0...delays.count {
            if attempt > 0 { try? await Task.sleep(for: delays[attempt - 1]) }
            do {
                let response = try await client.send(request)
                if response.isSuccess {
                    engine.event(.info, "notification sent", ["run": "\(runId)", "host": host])
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
        engine.event(
            .warning, "notification not delivered; check notify.webhookUrl (the run itself is recorded)",
            ["run": "\(runId)", "host": host, "error": problem])
    }
}
