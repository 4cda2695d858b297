import ReconcilerCore
import WireFormat

/// The short summary posted to a Slack-compatible webhook (`{"text": ...}`): sent when a run
/// failed or opened a new critical discrepancy, and only then.
public enum NotificationText {
    /// The message for `document`, or nil when nothing calls for a notification.
    public static func message(_ document: JSONValue) -> String? {
        let run = document["run"]
        let id = run["id"].integerValue.map(String.init) ?? "?"
        let status = run["status"].stringValue ?? "?"
        let succeeded = RunOutcome(rawValue: status) == .succeeded
        let newCritical = document["discrepancies"].arrayValue.filter {
            $0["change"].stringValue == "new"
                && $0["severity"].stringValue.flatMap(Discrepancy.Severity.init(rawValue:)) == .critical
        }
        guard !succeeded || !newCritical.isEmpty else { return nil }
        var lines: [String] = []
        if succeeded {
            lines.append("credit-reconciler run \(id): \(newCritical.count) new critical discrepancies")
        } else {
            lines.append("credit-reconciler run \(id) \(status): \(run["error"].stringValue ?? "no error recorded")")
        }
        let totals = document["totals"]
        lines.append(
            "payments \(totals["paymentsScanned"].integerValue ?? 0), repairs \(totals["fixesApplied"].integerValue ?? 0) applied / \(totals["fixesPlanned"].integerValue ?? 0) planned, discrepancies \(totals["discrepanciesOpen"].integerValue ?? 0) open (\(totals["discrepanciesNew"].integerValue ?? 0) new)"
        )
        var byKind: [String: Int] = [:]
        for entry in newCritical { byKind[entry["kind"].stringValue ?? "?", default: 0] += 1 }
        if !byKind.isEmpty {
            lines.append(
                "new critical: "
                    + byKind.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        }
        lines.append("details: credit-reconciler report --run \(id)")
        return lines.joined(separator: "\n")
    }

    /// The webhook body: `{"text": message}`.
    public static func body(_ message: String) -> String {
        JSONValue.object(["text": .string(message)]).serialized()
    }
}
