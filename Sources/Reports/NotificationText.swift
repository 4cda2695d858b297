import ReconcilerCore
import WireFormat

/// The short summary posted to a Slack-compatible webhook (`{"text": ...}`), in the report's
/// locale: sent when a run failed, opened a new critical discrepancy, or found webhooks that
/// ops must look at (the web app failing them, or acknowledging them without granting), and
/// only then.
public enum NotificationText {
    /// The message for `document`, or nil when nothing calls for a notification.
    public static func message(_ document: JSONValue) -> String? {
        let labels = ReportLabels(locale: document["locale"].stringValue ?? "ko")
        let korean = labels.korean
        let run = document["run"]
        let id = run["id"].integerValue.map(String.init) ?? "?"
        let status = run["status"].stringValue ?? "?"
        let succeeded = RunOutcome(rawValue: status) == .succeeded
        let newCritical = document["discrepancies"].arrayValue.filter {
            $0["change"].stringValue == "new"
                && $0["severity"].stringValue.flatMap(Discrepancy.Severity.init(rawValue:)) == .critical
        }
        let why = ReportWhy(document)
        let webhooksToCheck = !why.failedAnswers.isEmpty || why.acknowledged > 0
        guard !succeeded || !newCritical.isEmpty || webhooksToCheck else { return nil }
        var lines: [String] = []
        let title = "\(ProductVersion.name) \(korean ? "실행" : "run") \(id)"
        if !succeeded {
            let error = run["error"].stringValue ?? (korean ? "기록된 오류 없음" : "no error recorded")
            lines.append(korean ? "\(title) \(labels(status)): \(error)" : "\(title) \(status): \(error)")
        } else if !newCritical.isEmpty {
            lines.append(
                korean
                    ? "\(title): 신규 심각 불일치 \(newCritical.count)건"
                    : "\(title): \(newCritical.count) new critical discrepancies")
        } else {
            lines.append(korean ? "\(title): 웹훅 확인 필요" : "\(title): webhooks to check")
        }
        let totals = document["totals"]
        func number(_ key: String) -> Int64 { totals[key].integerValue ?? 0 }
        lines.append(
            korean
                ? "결제 \(number("paymentsScanned")), 보정 적용 \(number("fixesApplied")) / 계획 \(number("fixesPlanned")), 미해결 불일치 \(number("discrepanciesOpen")) (신규 \(number("discrepanciesNew")))"
                : "payments \(number("paymentsScanned")), repairs \(number("fixesApplied")) applied / \(number("fixesPlanned")) planned, discrepancies \(number("discrepanciesOpen")) open (\(number("discrepanciesNew")) new)"
        )
        var byKind: [String: Int] = [:]
        for entry in newCritical { byKind[entry["kind"].stringValue ?? "?", default: 0] += 1 }
        if !byKind.isEmpty {
            lines.append(
                (korean ? "신규 심각: " : "new critical: ")
                    + byKind.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        }
        for action in labels.actions(why) { lines.append("- " + action) }
        lines.append((korean ? "자세히: " : "details: ") + "\(ProductVersion.name) report --run \(id)")
        return lines.joined(separator: "\n")
    }

    /// The webhook body: `{"text": message}`.
    public static func body(_ message: String) -> String {
        JSONValue.object(["text": .string(message)]).serialized()
    }
}
