import ReconcilerCore
import WireFormat

/// The repairs, planned repairs and discrepancies of a report document as flat rows, one
/// column set for all three sections: what the CSV holds and the HTML tables show.
public enum ReportRows {
    /// One cell: text (external data, escaped by each format) or a whole number of ours.
    public enum Cell: Sendable, Equatable {
        /// Text; may come from PortOne or the ledger.
        case text(String)
        /// An integer amount, count or id.
        case number(Int64)
        /// Nothing.
        case empty
    }

    /// The column keys, in order (translated by ``ReportLabels``).
    public static let columns = [
        "section", "id", "kind", "severity", "status", "change", "paymentId", "userId", "userEmail", "packageId",
        "packageName", "packageCredits", "packagePrice", "paymentStatus", "currency", "amountKRW", "cancelledKRW",
        "paidAt", "cancelledAt", "statusChangedAt", "credits", "balanceBefore", "balanceAfter",
        "creditTransactionId", "cancellationId", "action", "detail", "reviewerAction", "occurrences",
        "firstSeenRunId", "cause", "origin", "whyDetail", "webhookStatus", "webhookResponseCode", "webhookAttempts",
        "webhookLastAttemptAt", "cancellationReason", "cancellationRequestedAt",
    ]

    /// The rows of `document`: repairs applied, then planned, then discrepancies (by severity,
    /// kind and id), keyed by column.
    public static func rows(_ document: JSONValue, labels: ReportLabels) -> [[String: Cell]] {
        document["fixes"].arrayValue.map { fixRow($0, labels: labels) }
            + document["plannedFixes"].arrayValue.map { plannedRow($0, labels: labels) }
            + sortedDiscrepancies(document).map { discrepancyRow($0, labels: labels) }
    }

    /// The row of a repair applied (an entry of the document's `fixes`).
    static func fixRow(_ fix: JSONValue, labels: ReportLabels) -> [String: Cell] {
        var row = paymentCells(fix["payment"])
        row["section"] = .text(labels("fix"))
        row["kind"] = .text(fix["kind"].stringValue ?? "")
        row["status"] = .text(labels("statusApplied"))
        row["paymentId"] = text(fix["paymentId"])
        row["userId"] = text(fix["userId"])
        row["userEmail"] = text(fix["userEmail"])
        row["credits"] = number(fix["credits"])
        row["balanceBefore"] = number(fix["balanceBefore"])
        row["balanceAfter"] = number(fix["balanceAfter"])
        row["creditTransactionId"] = text(fix["creditTransactionId"])
        row["cancellationId"] = text(fix["cancellationId"])
        row["action"] = .text(labels(fix["action"].stringValue ?? ""))
        whyCells(fix, labels: labels, into: &row)
        return row
    }

    /// The row of a planned repair (an entry of the document's `plannedFixes`).
    static func plannedRow(_ planned: JSONValue, labels: ReportLabels) -> [String: Cell] {
        var row = paymentCells(planned["payment"])
        row["section"] = .text(labels("plannedFix"))
        row["kind"] = .text(planned["kind"].stringValue ?? "")
        row["status"] = .text(labels("statusPlanned"))
        row["paymentId"] = text(planned["paymentId"])
        row["userId"] = text(planned["userId"])
        row["userEmail"] = text(planned["userEmail"])
        if row["packageId"] == nil || row["packageId"] == .empty { row["packageId"] = text(planned["packageId"]) }
        row["credits"] = number(planned["credits"])
        row["cancellationId"] = text(planned["cancellationId"])
        row["action"] = .text(labels(planned["reason"].stringValue ?? ""))
        whyCells(planned, labels: labels, into: &row)
        return row
    }

    /// The row of a discrepancy (an entry of the document's `discrepancies`).
    static func discrepancyRow(_ entry: JSONValue, labels: ReportLabels) -> [String: Cell] {
        var row = paymentCells(entry["payment"])
        let kind = entry["kind"].stringValue ?? ""
        row["section"] = .text(labels("discrepancy"))
        row["id"] = number(entry["id"])
        row["kind"] = .text(kind)
        row["severity"] = .text(labels(entry["severity"].stringValue ?? ""))
        row["status"] = .text(labels(entry["status"].stringValue ?? ""))
        row["change"] = .text(labels(entry["change"].stringValue ?? ""))
        row["paymentId"] = text(entry["paymentId"])
        row["userId"] = text(entry["userId"])
        row["userEmail"] = text(entry["userEmail"])
        row["action"] = .text(action(entry, labels: labels))
        row["detail"] = .text(labels.detail(entry))
        row["reviewerAction"] = .text(labels.reviewerAction(kind))
        row["occurrences"] = number(entry["occurrences"])
        row["firstSeenRunId"] = number(entry["firstSeenRunId"])
        return row
    }

    /// The discrepancies, most severe first, then by kind and id.
    public static func sortedDiscrepancies(_ document: JSONValue) -> [JSONValue] {
        document["discrepancies"].arrayValue.sorted(by: precedes)
    }

    /// Whether discrepancy entry `a` comes before `b`: most severe first, then by kind and id.
    public static func precedes(_ a: JSONValue, _ b: JSONValue) -> Bool {
        (urgency(a["severity"].stringValue), a["kind"].stringValue ?? "", a["id"].integerValue ?? 0)
            < (urgency(b["severity"].stringValue), b["kind"].stringValue ?? "", b["id"].integerValue ?? 0)
    }

    /// The severities, most urgent first.
    private static let severities = Discrepancy.Severity.allCases.sorted()

    /// Where a severity named in a document sorts: by urgency, anything unknown last.
    static func urgency(_ severity: String?) -> Int {
        severity.flatMap(Discrepancy.Severity.init(rawValue:)).flatMap(severities.firstIndex(of:)) ?? severities.count
    }

    /// What the run did with a discrepancy.
    static func action(_ entry: JSONValue, labels: ReportLabels) -> String {
        switch entry["change"].stringValue {
        case "closed":
            let note = entry["resolutionNote"].stringValue.map { ": \(labels.resolutionNote($0))" } ?? ""
            return labels("closedByRun") + note
        case "new": return labels("openedForReview")
        default: return labels("seenAgain")
        }
    }

    /// The cause or origin of a repair row, with the figures it rests on.
    static func whyCells(_ entry: JSONValue, labels: ReportLabels, into row: inout [String: Cell]) {
        row["cause"] = text(entry["cause"])
        row["origin"] = text(entry["origin"])
        row["whyDetail"] = .text(labels.whyDetail(entry))
        let webhook = entry["webhook"]
        if case .object = webhook {
            row["webhookStatus"] = text(webhook["status"])
            row["webhookResponseCode"] = text(webhook["responseCode"])
            if let attempts = labels.attempts(webhook) { row["webhookAttempts"] = .text(attempts) }
            row["webhookLastAttemptAt"] = .text(ReportTime.kst(webhook["lastAttemptAt"]))
        }
        let cancellation = entry["cancellation"]
        if case .object = cancellation {
            row["cancellationReason"] = text(cancellation["reason"])
            row["cancellationRequestedAt"] = .text(ReportTime.kst(cancellation["requestedAt"]))
        }
    }

    static func paymentCells(_ payment: JSONValue) -> [String: Cell] {
        guard case .object = payment else { return [:] }
        let krw = payment["currency"].stringValue == "KRW"
        var row: [String: Cell] = [
            "paymentStatus": text(payment["status"]), "currency": text(payment["currency"]),
            "paidAt": .text(ReportTime.kst(payment["paidAt"])),
            "cancelledAt": .text(ReportTime.kst(payment["cancelledAt"])),
            "statusChangedAt": .text(ReportTime.kst(payment["statusChangedAt"])),
            "amountKRW": krw ? number(payment["totalAmount"]) : .empty,
            "cancelledKRW": krw ? number(payment["cancelledAmount"]) : .empty,
        ]
        let package = payment["package"]
        if case .object = package {
            row["packageId"] = text(package["id"])
            row["packageName"] = text(package["name"])
            row["packageCredits"] = number(package["credits"])
            row["packagePrice"] = number(package["price"])
        }
        return row
    }

    static func text(_ value: JSONValue) -> Cell {
        value.stringValue.map { .text($0) } ?? .empty
    }

    static func number(_ value: JSONValue) -> Cell {
        value.integerValue.map { .number($0) } ?? .empty
    }
}
