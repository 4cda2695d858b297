import ReconcilerCore
import Reports

extension Run {
    /// Posts the summary of the recorded run when it failed or opened a new critical
    /// discrepancy; a run that failed before it was recorded is published by the engine.
    func sendNotification() async {
        guard handle != nil else { return }
        guard let document = notification, let message = NotificationText.message(document) else { return }
        await engine.postNotification(message, run: "\(runId)")
    }
}
