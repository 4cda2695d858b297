import Foundation
import PortOneSimulator
import WireFormat

/// The simulator's live traffic from a test: start, change and stop it, read its counters and
/// its ground truth (`/_simulator/live`, `/_simulator/live/log`).
extension SimulatorProcess {
    /// Changes the live traffic (`PUT /_simulator/live`; members left out keep their value,
    /// `"rate": 0` stops new payments) and returns the configuration and counters now in force.
    @discardableResult
    public func setLive(_ changes: [String: Any]) async throws -> [String: Any] {
        try await control(.put, "/_simulator/live", changes)
    }

    /// The live configuration and its `counters` (`GET /_simulator/live`).
    public func live() async throws -> [String: Any] {
        try await control(.get, "/_simulator/live")
    }

    /// One live counter (`paid`, `partialCancellations`, `cancellations`, `scheduledCancellations`,
    /// `webhooksSent`, `webhooksSucceeded`, `webhooksFailed`, `webhooksLost`, `webhooksPending`).
    public func liveCounter(_ name: String) async throws -> Int {
        ((try await live()["counters"] as? [String: Any])?[name] as? NSNumber)?.intValue ?? -1
    }

    /// Every live payment made so far (with a sequence number above `after`, when given).
    public func liveLog(after: UInt64? = nil) async throws -> [LivePaymentRecord] {
        let body = try await controlBody(.get, "/_simulator/live/log" + (after.map { "?after=\($0)" } ?? ""))
        let records = try JSONValue.parse(Data(body))["payments"].arrayValue
        return try records.map { json in
            guard let record = LivePaymentRecord(json: json) else {
                throw SimulatorStartFailure(message: "unreadable live log record: \(json.serialized())")
            }
            return record
        }
    }

    /// Waits until every live payment is made (stopping new ones with rate 0 unless a `limit` is
    /// set, which stops them by itself), every scheduled cancellation is made and every webhook
    /// decided: afterwards the live log is final.
    public func settleLive(timeout: Duration = .seconds(60)) async throws {
        if try await live()["limit"] is NSNull { try await setLive(["rate": 0]) }
        try await Poll.until("live traffic settles", timeout: timeout, every: .milliseconds(20)) {
            try await live()["settled"] as? Bool == true
        }
    }
}
