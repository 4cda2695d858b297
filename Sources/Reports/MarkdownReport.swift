import ReconcilerCore

/// A run's report as Markdown for chat and e-mail, rendered from the stored report document so
/// a past run renders the same way every time.
public enum MarkdownReport {
    /// How many lines of each list the Markdown shows; the JSON and CSV hold them all.
    public static let listLimit = 50

    /// Renders `document` (the JSON of ``RunReport/document``).
    public static func render(_ document: JSONValue) -> String {
        let run = document["run"]
        let totals = document["totals"]
        var out: [String] = []
        let id = run["id"].integerValue.map(String.init) ?? "?"
        out.append("# credit-reconciler run \(id): \(run["status"].stringValue ?? "?")")
        out.append("")
        var facts = [
            "- trigger: \(run["trigger"].stringValue ?? "?"), mode: \(run["mode"].stringValue ?? "?")",
            "- started \(run["startedAt"].stringValue ?? "?"), finished \(run["finishedAt"].stringValue ?? "?")",
        ]
        if let from = run["window"]["from"].stringValue, let until = run["window"]["until"].stringValue {
            facts.insert("- window: \(from) → \(until)", at: 0)
        }
        if case .array(let ids) = run["paymentIds"] {
            facts.insert("- payments: \(ids.compactMap(\.stringValue).joined(separator: ", "))", at: 0)
        }
        if let error = run["error"].stringValue { facts.append("- **error:** \(error)") }
        out += facts
        out.append("")
        out.append("| | |")
        out.append("|---|---:|")
        let rows: [(String, String)] = [
            ("payments scanned", "paymentsScanned"), ("ledger rows read", "ledgerRowsScanned"), ("matched", "matched"),
            ("repairs applied", "fixesApplied"), ("repairs planned", "fixesPlanned"),
            ("credits granted", "creditsGranted"), ("credits deducted", "creditsDeducted"),
            ("open discrepancies", "discrepanciesOpen"), ("new discrepancies", "discrepanciesNew"),
            ("closed discrepancies", "discrepanciesClosed"),
        ]
        for (label, key) in rows {
            out.append("| \(label) | \(totals[key].integerValue.map(String.init) ?? "–") |")
        }
        out.append("")
        let fixes = document["fixes"].arrayValue
        if !fixes.isEmpty {
            out.append("## Repairs applied (\(fixes.count))")
            out.append("")
            out.append("| kind | payment | user | credits | balance |")
            out.append("|---|---|---|---:|---|")
            for fix in fixes.prefix(listLimit) {
                let sign = fix["kind"].stringValue == "MISSED_REFUND" ? "−" : "+"
                out.append(
                    "| \(fix["kind"].stringValue ?? "") | \(cell(fix["paymentId"])) | \(cell(fix["userId"])) | \(sign)\(fix["credits"].integerValue ?? 0) | \(fix["balanceBefore"].integerValue ?? 0) → \(fix["balanceAfter"].integerValue ?? 0) |"
                )
            }
            if fixes.count > listLimit {
                out += ["", "… and \(fixes.count - listLimit) more (see the JSON or CSV report)."]
            }
            out.append("")
        }
        let planned = document["plannedFixes"].arrayValue
        if !planned.isEmpty {
            out.append("## Repairs planned, not applied (\(planned.count))")
            out.append("")
            out.append("| kind | payment | user | credits |")
            out.append("|---|---|---|---:|")
            for repair in planned.prefix(listLimit) {
                out.append(
                    "| \(repair["kind"].stringValue ?? "") | \(cell(repair["paymentId"])) | \(cell(repair["userId"])) | \(repair["credits"].integerValue ?? 0) |"
                )
            }
            if planned.count > listLimit { out += ["", "… and \(planned.count - listLimit) more."] }
            out.append("")
        }
        let entries = document["discrepancies"].arrayValue
        if !entries.isEmpty {
            out.append("## Discrepancies (\(entries.count))")
            out.append("")
            let order = ["critical": 0, "warning": 1, "info": 2]
            let sorted = entries.sorted {
                (order[$0["severity"].stringValue ?? ""] ?? 3, $0["kind"].stringValue ?? "", $0["id"].integerValue ?? 0)
                    < (
                        order[$1["severity"].stringValue ?? ""] ?? 3, $1["kind"].stringValue ?? "",
                        $1["id"].integerValue ?? 0
                    )
            }
            out.append("| # | severity | kind | status | payment / user | detail |")
            out.append("|---:|---|---|---|---|---|")
            for entry in sorted.prefix(listLimit) {
                let subject = entry["paymentId"].stringValue ?? entry["userId"].stringValue ?? "run"
                out.append(
                    "| \(entry["id"].integerValue ?? 0) | \(entry["severity"].stringValue ?? "") | \(entry["kind"].stringValue ?? "") | \(entry["status"].stringValue ?? "") | \(escape(subject)) | \(escape(entry["detail"].stringValue ?? "")) |"
                )
            }
            if sorted.count > listLimit { out += ["", "… and \(sorted.count - listLimit) more."] }
            out.append("")
            let kinds = Set(entries.compactMap { $0["kind"].stringValue }).sorted()
            out.append("### What to check")
            out.append("")
            for kind in kinds {
                if let known = DiscrepancyKind(rawValue: kind) { out.append("- **\(kind)**: \(known.reviewerAction)") }
            }
            out.append("")
        }
        return out.joined(separator: "\n")
    }

    private static func cell(_ value: JSONValue) -> String {
        escape(value.stringValue ?? "")
    }

    /// Keeps a table cell a cell: pipes and line breaks from external data are neutralised.
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
            .replacingOccurrences(of: "\r", with: " ")
    }
}

extension JSONValue {
    /// The member `key` of an object, `.null` otherwise.
    public subscript(key: String) -> JSONValue {
        if case .object(let fields) = self { return fields[key] ?? .null }
        return .null
    }

    /// The string, if this is one.
    public var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// The whole number, if this is one.
    public var integerValue: Int64? {
        if case .integer(let number) = self { return number }
        return nil
    }

    /// The elements, or empty when this is not an array.
    public var arrayValue: [JSONValue] {
        if case .array(let items) = self { return items }
        return []
    }
}
