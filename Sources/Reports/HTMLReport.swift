import ReconcilerCore
import WireFormat

/// A run's report as one self-contained, printable HTML page: inline CSS and inline SVG charts,
/// no script, no external asset, every piece of external data HTML-escaped.
public enum HTMLReport {
    /// How many rows of each table the page shows; the CSV and JSON hold them all.
    public static let rowLimit = 200

    /// Renders `document` (the JSON of ``RunReport/document``).
    public static func render(_ document: JSONValue) -> String {
        render(document, digest: ReportDigest(document, limit: rowLimit))
    }

    /// Renders `document` with its lists as `digest` has them (at least ``rowLimit`` of each).
    static func render(_ document: JSONValue, digest: ReportDigest) -> String {
        let locale = document["locale"].stringValue ?? "en"
        let labels = ReportLabels(locale: locale)
        let run = document["run"]
        let totals = document["totals"]
        let id = run["id"].integerValue.map(String.init) ?? "?"
        let status = run["status"].stringValue ?? "?"
        var body: [String] = []
        body.append(
            "<h1>\(escape(labels("title"))) \(id) <span class=\"status \(escape(status))\">\(escape(labels(status)))</span></h1>"
        )
        var facts: [(String, String)] = []
        if run["window"]["from"].stringValue != nil {
            facts.append(
                (
                    labels("window"),
                    "\(ReportTime.kst(run["window"]["from"])) → \(ReportTime.kst(run["window"]["until"])) KST"
                ))
        }
        if case .array(let ids) = run["paymentIds"] {
            facts.append((labels("payments"), ids.compactMap(\.stringValue).joined(separator: ", ")))
        }
        facts.append((labels("trigger"), labels(run["trigger"].stringValue ?? "")))
        facts.append((labels("mode"), labels(run["mode"].stringValue ?? "")))
        facts.append((labels("started"), ReportTime.kst(run["startedAt"]) + " KST"))
        facts.append((labels("finished"), ReportTime.kst(run["finishedAt"]) + " KST"))
        if let error = run["error"].stringValue { facts.append((labels("error"), error)) }
        if let plan = ReportLabels.planLine(document["totals"]) { facts.append((labels("plan"), plan)) }
        if let sources = RunReport.Sources(document: document) {
            facts.append((labels("sources"), labels.sources(sources)))
        }
        body.append("<dl class=\"facts\">")
        for (label, value) in facts {
            body.append("<dt>\(escape(label))</dt><dd>\(escape(value))</dd>")
        }
        body.append("</dl>")

        body.append("<section class=\"cards\">")
        let cards = [
            "paymentsScanned", "fixesApplied", "fixesPlanned", "creditsGranted", "creditsDeducted",
            "discrepanciesOpen", "discrepanciesNew", "discrepanciesClosed",
        ]
        for key in cards {
            body.append(
                "<div class=\"card\"><div class=\"value\">\(totals[key].integerValue.map(ReportNumber.grouped) ?? "–")</div><div class=\"label\">\(escape(labels(key)))</div></div>"
            )
        }
        body.append("</section>")

        body.append(reconciliation(document["reconciliation"], labels: labels))
        body.append(why(digest.why, labels: labels))

        var bars: [(kind: String, severity: String, count: Int)] = document["openDiscrepancies"].arrayValue.map {
            ($0["kind"].stringValue ?? "", $0["severity"].stringValue ?? "", Int($0["count"].integerValue ?? 0))
        }
        bars.sort {
            (ReportRows.urgency($0.severity), -$0.count, $0.kind) < (
                ReportRows.urgency($1.severity), -$1.count, $1.kind
            )
        }
        body.append("<section class=\"charts\">")
        body.append(
            "<figure><figcaption>\(escape(labels("chartKinds"))) (\(escape(labels("open"))))</figcaption>\n\(SVGChart.kinds(bars, labels: labels))</figure>"
        )
        body.append(
            "<figure><figcaption>\(escape(labels("chartDaily")))</figcaption>\n\(SVGChart.daily(document["daily"].arrayValue, labels: labels))</figure>"
        )
        body.append("</section>")

        let sections: [(title: String, list: ReportDigest.List, row: RowMaker, columns: [String])] = [
            (
                labels("fixes"), digest.fixes, ReportRows.fixRow,
                [
                    "kind", "paymentId", "userEmail", "packageName", "amountKRW", "cancelledKRW", "paymentStatus",
                    "paidAt", "cancelledAt", "credits", "action", "balanceBefore", "balanceAfter", "whyDetail",
                ]
            ),
            (
                labels("planned"), digest.planned, ReportRows.plannedRow,
                [
                    "kind", "paymentId", "userEmail", "packageName", "amountKRW", "cancelledKRW", "paymentStatus",
                    "credits", "action", "whyDetail",
                ]
            ),
            (
                labels("discrepancies"), digest.discrepancies, ReportRows.discrepancyRow,
                [
                    "id", "severity", "kind", "change", "status", "paymentId", "userEmail", "packageName", "amountKRW",
                    "cancelledKRW", "paymentStatus", "paidAt", "detail", "action", "occurrences",
                ]
            ),
        ]
        for (title, list, row, columns) in sections {
            guard list.count > 0 else { continue }
            body.append("<h2>\(escape(title)) (\(list.count))</h2>")
            let rows = list.first.prefix(rowLimit).map { row($0, labels) }
            body.append(table(rows[...], columns: columns, labels: labels))
            if list.count > rowLimit {
                body.append("<p class=\"more\">… \(list.count - rowLimit) \(escape(labels("more")))</p>")
            }
        }
        let kinds = digest.kinds.sorted()
        if !kinds.isEmpty {
            body.append("<h2>\(escape(labels("whatToCheck")))</h2>")
            body.append("<ul class=\"actions\">")
            for kind in kinds {
                body.append("<li><b>\(escape(kind))</b>: \(escape(labels.reviewerAction(kind)))</li>")
            }
            body.append("</ul>")
        }
        return """
            <!DOCTYPE html>
            <html lang="\(locale == "ko" ? "ko" : "en")">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(labels("title"))) \(id)</title>
            <style>
            \(style)
            </style>
            </head>
            <body>
            \(body.joined(separator: "\n"))
            </body>
            </html>

            """
    }

    /// Builds one table row from a list's entry.
    typealias RowMaker = (JSONValue, ReportLabels) -> [String: ReportRows.Cell]

    /// The "why" section: missed grants by cause and deductions by origin (tables and a chart,
    /// chargebacks marked), and what ops must act on.
    static func why(_ why: ReportWhy, labels: ReportLabels) -> String {
        guard !why.isEmpty else { return "" }
        var out = ["<h2>\(escape(labels("why")))</h2>", "<section class=\"why\">", "<div>"]
        for (title, lines) in [(labels("byCause"), why.causes), (labels("byOrigin"), why.origins)] where !lines.isEmpty
        {
            out.append("<table class=\"recon\">")
            out.append(
                "<thead><tr><th>\(escape(title))</th><th>\(escape(labels("statusApplied")))</th><th>\(escape(labels("statusPlanned")))</th><th>\(escape(labels("credits")))</th></tr></thead><tbody>"
            )
            for line in lines {
                let alert = line.key == DeductionOrigin.Kind.chargeback.rawValue ? " class=\"alert\"" : ""
                out.append(
                    "<tr\(alert)><th>\(escape(labels.why(line.key))) <code>\(escape(line.key))</code></th><td>\(ReportNumber.grouped(Int64(line.applied)))</td><td>\(ReportNumber.grouped(Int64(line.planned)))</td><td>\(ReportNumber.grouped(line.credits))</td></tr>"
                )
            }
            out.append("</tbody></table>")
        }
        out.append("</div>")
        out.append(
            "<figure><figcaption>\(escape(labels("chartWhy")))</figcaption>\n\(SVGChart.why(why, labels: labels))</figure>"
        )
        out.append("</section>")
        let actions = labels.actions(why)
        if !actions.isEmpty {
            out.append("<h3>\(escape(labels("toAct")))</h3>")
            out.append("<ul class=\"actions toact\">")
            for action in actions { out.append("<li>\(escape(action))</li>") }
            out.append("</ul>")
        }
        return out.joined(separator: "\n")
    }

    static func reconciliation(_ value: JSONValue, labels: ReportLabels) -> String {
        guard case .object = value else { return "" }
        var out = ["<h2>\(escape(labels("reconciliation")))</h2>", "<table class=\"recon\">"]
        out.append(
            "<thead><tr><th></th><th>\(escape(labels("payments")))</th><th>KRW</th><th>\(escape(labels("credits")))</th></tr></thead><tbody>"
        )
        func row(
            _ label: String, _ payments: JSONValue = .null, _ krw: JSONValue = .null, _ credits: JSONValue = .null,
            className: String = ""
        ) {
            let cls = className.isEmpty ? "" : " class=\"\(className)\""
            out.append(
                "<tr\(cls)><th>\(escape(label))</th><td>\(number(payments))</td><td>\(number(krw))</td><td>\(number(credits))</td></tr>"
            )
        }
        row(labels("paidKRW"), value["paidPayments"], value["paidKRW"])
        row(labels("cancelledKRW"), .null, value["cancelledKRW"].integerValue.map { .integer(-$0) } ?? .null)
        row(labels("netKRW"), .null, value["netKRW"], className: "total")
        for line in value["undecided"].arrayValue {
            row(
                "\(labels("undecided")): \(labels(line["key"].stringValue ?? ""))", line["payments"], line["krw"],
                line["credits"], className: "sub")
        }
        row(labels("creditsDue"), .null, .null, value["creditsDue"])
        row(labels("ledgerBefore"), .null, .null, value["ledgerBefore"])
        row("+ " + labels("creditsGranted"), .null, .null, value["creditsGranted"])
        row("− " + labels("creditsDeducted"), .null, .null, value["creditsDeducted"])
        row(labels("ledgerAfter"), .null, .null, value["ledgerAfter"], className: "total")
        row(labels("difference"), .null, .null, value["difference"], className: "total")
        for line in value["explained"].arrayValue {
            row(labels(line["key"].stringValue ?? ""), line["payments"], .null, line["credits"], className: "sub")
        }
        if case .object = value["closure"] {
            for key in ["closedExactly", "explained", "unexplained"] {
                let alert = key == "unexplained" && (value["closure"][key].integerValue ?? 0) > 0
                row(labels("closure.\(key)"), value["closure"][key], className: alert ? "alert" : "")
            }
        }
        out.append("</tbody></table>")
        return out.joined(separator: "\n")
    }

    static func table(_ rows: ArraySlice<[String: ReportRows.Cell]>, columns: [String], labels: ReportLabels)
        -> String
    {
        var out = ["<table class=\"list\">", "<thead><tr>"]
        out.append(columns.map { "<th>\(escape(labels($0)))</th>" }.joined())
        out.append("</tr></thead><tbody>")
        for row in rows {
            var cells: [String] = []
            for column in columns {
                switch row[column] ?? .empty {
                case .empty: cells.append("<td></td>")
                case .number(let value):
                    let text =
                        ["id", "firstSeenRunId", "occurrences"].contains(column)
                        ? String(value) : ReportNumber.grouped(value)
                    cells.append("<td class=\"n\">\(text)</td>")
                case .text(let text):
                    let cls = wrapping.contains(column) ? "" : " class=\"nw\""
                    cells.append("<td\(cls)>\(escape(text))</td>")
                }
            }
            out.append("<tr>\(cells.joined())</tr>")
        }
        out.append("</tbody></table>")
        return out.joined(separator: "\n")
    }

    /// Columns whose text may wrap; the others stay on one line.
    static let wrapping: Set<String> = [
        "paymentId", "userEmail", "userId", "detail", "action", "reviewerAction", "whyDetail",
    ]

    static func number(_ value: JSONValue) -> String {
        value.integerValue.map(ReportNumber.grouped) ?? ""
    }

    /// Text safe inside HTML elements and quoted attributes.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default:
                if character.value < 0x20 && character != "\n" && character != "\t" {
                    out += " "
                } else {
                    out.unicodeScalars.append(character)
                }
            }
        }
        return out
    }

    static let style = """
        :root { color-scheme: light; }
        body { font-family: "Noto Sans CJK KR", "Noto Sans KR", "Apple SD Gothic Neo", "Malgun Gothic", sans-serif;
               margin: 24px; color: #222; font-size: 13px; }
        h1 { font-size: 22px; margin: 0 0 8px; }
        h2 { font-size: 16px; margin: 24px 0 8px; border-bottom: 1px solid #ccc; padding-bottom: 4px; }
        .status { font-size: 14px; padding: 2px 8px; border-radius: 4px; background: #eee; vertical-align: middle; }
        .status.succeeded { background: #e8f5e9; color: #1b5e20; }
        .status.failed, .status.aborted { background: #ffebee; color: #b71c1c; }
        dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 8px 0 16px; }
        dl.facts dt { color: #666; } dl.facts dd { margin: 0; }
        .cards { display: flex; flex-wrap: wrap; gap: 8px; }
        .card { border: 1px solid #ddd; border-radius: 6px; padding: 8px 12px; min-width: 120px; }
        .card .value { font-size: 20px; font-weight: bold; } .card .label { color: #666; font-size: 12px; }
        .charts { display: flex; flex-wrap: wrap; gap: 16px; }
        figure { margin: 16px 0 0; } figcaption { font-weight: bold; margin-bottom: 4px; }
        svg { max-width: 100%; height: auto; }
        table { border-collapse: collapse; }
        table.list { width: 100%; font-size: 11px; }
        th, td { border: 1px solid #ddd; padding: 3px 6px; text-align: left; vertical-align: top; }
        thead th { background: #f5f5f5; }
        td.n, table.recon td { text-align: right; font-variant-numeric: tabular-nums; }
        table.recon th { font-weight: normal; } table.recon tr.total th, table.recon tr.total td { font-weight: bold; }
        table.recon tr.sub th { padding-left: 20px; color: #555; }
        td.nw, td.n, thead th { white-space: nowrap; }
        td, th { word-break: keep-all; overflow-wrap: break-word; }
        ul.actions li { margin-bottom: 4px; }
        section.why { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
        section.why table { margin-bottom: 12px; min-width: 340px; }
        table.recon tr.alert th, table.recon tr.alert td { background: #ffebee; color: #b71c1c; font-weight: bold; }
        code { font-size: 10px; color: #666; }
        h3 { font-size: 14px; margin: 12px 0 4px; } ul.toact li { color: #b71c1c; }
        @media print { body { margin: 0; font-size: 11px; } h2 { break-after: avoid; } tr, figure { break-inside: avoid; }
                       @page { size: A4 landscape; margin: 12mm; } }
        """
}
