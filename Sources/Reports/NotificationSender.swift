import HTTP
import ReconcilerCore

/// Posts a notification (Slack-compatible `{"text": ...}`, see ``NotificationText``) to
/// `notify.webhookUrl`, with a few retries. It says what became of it and leaves the logging to
/// the caller; what it reports names the webhook's host only (a webhook URL holds a token).
public struct NotificationSender: Sendable {
    /// What became of one notification.
    public enum Delivery: Sendable, Hashable {
        /// The webhook at `host` accepted it.
        case sent(host: String)
        /// It was not delivered: the last answer or transport problem.
        case notDelivered(host: String, problem: String)
    }

    /// Where notifications go.
    public let webhookURL: String
    /// Waits between attempts (one more attempt than delays).
    public let retryDelays: [Duration]

    /// A sender to `webhookURL`.
    public init(webhookURL: String, retryDelays: [Duration]) {
        self.webhookURL = webhookURL
        self.retryDelays = retryDelays
    }

    /// Posts `message`; a 4xx answer other than 429 and a transport error that will not pass
    /// are not retried.
    public func send(_ message: String) async -> Delivery {
        let host = (try? HTTPURLPolicy.check(webhookURL).host) ?? "the webhook"
        let client = HTTPClient(
            configuration: HTTPClientConfiguration(
                userAgent: ProductVersion.userAgent, connectTimeout: .seconds(5), totalTimeout: .seconds(15),
                maximumConcurrentRequests: 1, maximumBodyBytes: 1 << 20))
        let request = HTTPRequest(
            method: .post, url: webhookURL, headers: [("Content-Type", "application/json")],
            body: Array(NotificationText.body(message).utf8))
        var problem = ""
        for attempt in 0...retryDelays.count {
            if attempt > 0 { try? await Task.sleep(for: retryDelays[attempt - 1]) }
            do {
                let response = try await client.send(request)
                if response.isSuccess { return .sent(host: host) }
                problem = "HTTP \(response.status)"
                // A 4xx other than 429 will not pass by retrying (wrong or revoked webhook).
                if response.status < 500 && response.status != 429 { break }
            } catch {
                problem = error.description
                if !error.isTransient { break }
            }
        }
        return .notDelivered(host: host, problem: problem)
    }
}
