import ReconcilerCore
import WireFormat

/// A run's report as Markdown for chat and e-mail, rendered from the stored report document so
/// a past run renders the same way every time. Labels follow the document's `locale`.
public enum MarkdownReport {
    /// How many lines of each list the Markdown shows; the JSON and CSV hold them all.
    public static let listLimit = 50

    /// Renders `document` (the JSON of ``RunReport/document``).
    public static func render(_ document: JSONValue) -> String {
        render(document, digest: ReportDigest(document, limit: listLimit))
    }

    /// Renders `document` with its lists as `digest` has them (at least ``listLimit`` of each).
    static func render(_ document: JSONValue, digest: ReportDigest) -> String {
        let labels = ReportLabels(locale: document["locale"].stringValue ?? "en")
        let run = document["run"]
        let totals = document["totals"]
        var out: [String] = []
        let id = run["id"].integerValue.map(String.init) ?? "?"
        out.append("# \(labels("title")) \(id): \(labels(run["status"].stringValue ?? "?"))")
        out.append("")
        if case .array(let ids) = run["paymentIds"] {
            out.append("- \(labels("payments")): \(ids.compactMap(\.stringValue).map(escape).joined(separator: ", "))")
        }
        if run["window"]["from"].stringValue != nil {
            out.append(
                "- \(labels("window")): \(ReportTime.kst(run["window"]["from"])) → \(ReportTime.kst(run["window"]["until"])) KST"
            )
        }
        out.append(
            "- \(labels("trigger")): \(labels(run["trigger"].stringValue ?? "?")), \(labels("mode")): \(labels(run["mode"].stringValue ?? "?"))"
        )
        if let sources = RunReport.Sources(document: document) { out.append("- \(escape(labels.sources(sources)))") }
        out.append(
            "- \(labels("started")) \(ReportTime.kst(run["startedAt"])), \(labels("finished")) \(ReportTime.kst(run["finishedAt"])) KST"
        )
        if let error = run["error"].stringValue { out.append("- **\(labels("error")):** \(escape(error))") }
        if let plan = ReportLabels.planLine(totals) { out.append("- \(labels("plan")): \(escape(plan))") }
        out.append("")
        out.append("| \(labels("summary")) | |")
        out.append("|---|---:|")
        let keys = [
            "paymentsScanned", "ledgerRowsScanned", "matched", "fixesApplied", "fixesPlanned", "creditsGranted",
            "creditsDeducted", "discrepanciesOpen", "discrepanciesNew", "discrepanciesClosed",
        ]
        for key in keys {
            out.append("| \(labels(key)) | \(totals[key].integerValue.map(ReportNumber.grouped) ?? "–") |")
        }
        let changes = document["changes"]
        if let recurring = changes["recurring"].integerValue {
            out.append("| \(labels("discrepancies")): \(labels("recurring")) | \(recurring) |")
        }
        out.append("")
        reconciliation(document["reconciliation"], labels: labels, into: &out)
        why(digest.why, labels: labels, into: &out)
        let fixes = digest.fixes
        if fixes.count > 0 {
            out.append("## \(labels("fixes")) (\(fixes.count))")
            out.append("")
            out.append(
                "| \(labels("kind")) | \(labels("paymentId")) | \(labels("userEmail")) | \(labels("packageName")) | \(labels("amountKRW")) | \(labels("credits")) | \(labels("balanceBefore")) → \(labels("balanceAfter")) | \(labels("whyDetail")) |"
            )
            out.append("|---|---|---|---|---:|---:|---|---|")
            for fix in fixes.first.prefix(listLimit) {
                let sign = fix["kind"].stringValue.flatMap(RepairKind.init(rawValue:)) == .missedRefund ? "−" : "+"
                out.append(
                    "| \(labels(fix["kind"].stringValue ?? "")) | \(cell(fix["paymentId"])) | \(cell(fix["userEmail"], or: fix["userId"])) | \(cell(fix["payment"]["package"]["name"])) | \(amount(fix["payment"])) | \(sign)\(fix["credits"].integerValue ?? 0) | \(fix["balanceBefore"].integerValue ?? 0) → \(fix["balanceAfter"].integerValue ?? 0) | \(escape(labels.whyDetail(fix))) |"
                )
            }
            if fixes.count > listLimit { out += ["", "… \(fixes.count - listLimit) \(labels("more"))"] }
            out.append("")
        }
        let planned = digest.planned
        if planned.count > 0 {
            out.append("## \(labels("planned")) (\(planned.count))")
            out.append("")
            out.append(
                "| \(labels("kind")) | \(labels("paymentId")) | \(labels("userEmail")) | \(labels("credits")) | \(labels("action")) | \(labels("whyDetail")) |"
            )
            out.append("|---|---|---|---:|---|---|")
            for repair in planned.first.prefix(listLimit) {
                out.append(
                    "| \(labels(repair["kind"].stringValue ?? "")) | \(cell(repair["paymentId"])) | \(cell(repair["userEmail"], or: repair["userId"])) | \(repair["credits"].integerValue ?? 0) | \(labels(repair["reason"].stringValue ?? "")) | \(escape(labels.whyDetail(repair))) |"
                )
            }
            if planned.count > listLimit { out += ["", "… \(planned.count - listLimit) \(labels("more"))"] }
            out.append("")
        }
        let sorted = digest.discrepancies
        if sorted.count > 0 {
            out.append("## \(labels("discrepancies")) (\(sorted.count))")
            out.append("")
            out.append(
                "| # | \(labels("severity")) | \(labels("kind")) | \(labels("change")) | \(labels("status")) | \(labels("paymentId")) / \(labels("userEmail")) | \(labels("detail")) |"
            )
            out.append("|---:|---|---|---|---|---|---|")
            for entry in sorted.first.prefix(listLimit) {
                var subject = entry["paymentId"].stringValue ?? entry["userId"].stringValue ?? "run"
                if let email = entry["userEmail"].stringValue { subject += " / " + email }
                out.append(
                    "| \(entry["id"].integerValue ?? 0) | \(labels(entry["severity"].stringValue ?? "")) | \(entry["kind"].stringValue ?? "") | \(labels(entry["change"].stringValue ?? "")) | \(labels(entry["status"].stringValue ?? "")) | \(escape(subject)) | \(escape(labels.detail(entry))) |"
                )
            }
            if sorted.count > listLimit { out += ["", "… \(sorted.count - listLimit) \(labels("more"))"] }
            out.append("")
            let kinds = digest.kinds.sorted()
            out.append("### \(labels("whatToCheck"))")
            out.append("")
            for kind in kinds where !labels.reviewerAction(kind).isEmpty {
                out.append("- **\(kind)**: \(labels.reviewerAction(kind))")
            }
            out.append("")
        }
        return out.joined(separator: "\n")
    }

    /// The "why" section: missed grants by cause, deductions by origin, and what ops must act on.
    static func why(_ why: ReportWhy, labels: ReportLabels, into out: inout [String]) {
        guard !why.isEmpty else { return }
        out.append("## \(labels("why"))")
        out.append("")
        for (title, lines) in [(labels("byCause"), why.causes), (labels("byOrigin"), why.origins)] where !lines.isEmpty
        {
            out.append("| \(title) | \(labels("statusApplied")) | \(labels("statusPlanned")) | \(labels("credits")) |")
            out.append("|---|---:|---:|---:|")
            for line in lines {
                let name = "\(escape(labels.why(line.key))) `\(escape(line.key))`"
                let shown = line.key == DeductionOrigin.Kind.chargeback.rawValue ? "**\(name)**" : name
                out.append(
                    "| \(shown) | \(ReportNumber.grouped(Int64(line.applied))) | \(ReportNumber.grouped(Int64(line.planned))) | \(ReportNumber.grouped(line.credits)) |"
                )
            }
            out.append("")
        }
        let actions = labels.actions(why)
        if !actions.isEmpty {
            out.append("### \(labels("toAct"))")
            out.append("")
            for action in actions { out.append("- \(escape(action))") }
            out.append("")
        }
    }

    /// The money-against-credits table.
    static func reconciliation(_ value: JSONValue, labels: ReportLabels, into out: inout [String]) {
        guard case .object = value else { return }
        out.append("## \(labels("reconciliation"))")
        out.append("")
        out.append("| | \(labels("payments")) | KRW | \(labels("credits")) |")
        out.append("|---|---:|---:|---:|")
        func row(_ label: String, payments: JSONValue = .null, krw: JSONValue = .null, credits: JSONValue = .null) {
            out.append(
                "| \(escape(label)) | \(payments.integerValue.map(ReportNumber.grouped) ?? "") | \(krw.integerValue.map(ReportNumber.grouped) ?? "") | \(credits.integerValue.map(ReportNumber.grouped) ?? "") |"
            )
        }
        row(labels("paidKRW"), payments: value["paidPayments"], krw: value["paidKRW"])
        row(labels("cancelledKRW"), krw: value["cancelledKRW"].integerValue.map { .integer(-$0) } ?? .null)
        row(labels("netKRW"), krw: value["netKRW"])
        for line in value["undecided"].arrayValue {
            row(
                "  \(labels("undecided")): \(labels(line["key"].stringValue ?? ""))", payments: line["payments"],
                krw: line["krw"], credits: line["credits"])
        }
        row(labels("creditsDue"), credits: value["creditsDue"])
        row(labels("ledgerBefore"), credits: value["ledgerBefore"])
        row("+ " + labels("creditsGranted"), credits: value["creditsGranted"])
        row("− " + labels("creditsDeducted"), credits: value["creditsDeducted"])
        row(labels("ledgerAfter"), credits: value["ledgerAfter"])
        row(labels("difference"), credits: value["difference"])
        for line in value["explained"].arrayValue {
            row("  \(labels(line["key"].stringValue ?? ""))", payments: line["payments"], credits: line["credits"])
        }
        if case .object = value["closure"] {
            for key in ["closedExactly", "explained", "unexplained"] {
                row(labels("closure.\(key)"), payments: value["closure"][key])
            }
        }
        out.append("")
    }

    private static func amount(_ payment: JSONValue) -> String {
        guard payment["currency"].stringValue == "KRW", let total = payment["totalAmount"].integerValue else {
            return ""
        }
        let cancelled = payment["cancelledAmount"].integerValue ?? 0
        let text = ReportNumber.grouped(total)
        return cancelled > 0 ? "\(text) (−\(ReportNumber.grouped(cancelled)))" : text
    }

    private static func cell(_ value: JSONValue, or fallback: JSONValue = .null) -> String {
        escape(value.stringValue ?? fallback.stringValue ?? "")
    }

    /// Keeps a table cell a cell: pipes and line breaks from external data are neutralised.
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
            .replacingOccurrences(of: "\r", with: " ")
    }
}
