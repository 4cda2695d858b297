import Foundation
import ReconcilerCore
import Reports

extension ReconciliationEngine {
    /// Posts `message` to `notify.webhookUrl` (through Reports' ``NotificationSender``); a
    /// notification that cannot be delivered is logged (host only: a webhook URL holds a token)
    /// and changes nothing else.
    func postNotification(_ message: String, run: String) async {
        guard let url = settings.configuration.notifyWebhookURL else { return }
        let sender = NotificationSender(webhookURL: url, retryDelays: settings.notifyRetryDelays)
        switch await sender.send(message) {
        case .sent(let host):
            event(.info, "notification sent", ["run": run, "host": host])
        case .notDelivered(let host, let problem):
            event(
                .warning, "notification not delivered; check notify.webhookUrl (the run itself is recorded)",
                ["run": run, "host": host, "error": problem])
        }
    }

    /// For a run that failed before it was recorded (the database or the configuration was not
    /// usable): the metrics say so, keeping the last success of the previous file, and ops are
    /// notified.
    func publishUnrecordedFailure(_ failure: RunFailure) async {
        if case .lockHeld = failure { return }
        let now = self.now().date
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
