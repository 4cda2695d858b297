import Foundation
import Reports

/// The console's HTML, built as text with every value escaped (``escape(_:)``): no script, no
/// inline style, one served stylesheet.
public enum ConsolePages {
    /// `text` safe in HTML text and in double-quoted attributes.
    public static func escape(_ text: String) -> String {
        HTMLReport.escape(text)
    }

    /// A whole page: the navigation, who is signed in, and `main`.
    public static func layout(
        title: String, user: String?, navigation: [(title: String, path: String)], main: String
    ) -> String {
        let links = navigation.map { "<a href=\"\(escape($0.path))\">\(escape($0.title))</a>" }.joined(separator: " ")
        let who = user.map { "<span class=\"user\">\(escape($0))</span>" } ?? ""
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(title)) · credit-reconciler</title>
            <link rel="stylesheet" href="/static/console.css">
            </head>
            <body>
            <header><nav><strong>credit-reconciler</strong> \(links)</nav>\(who)</header>
            <main>
            <h1>\(escape(title))</h1>
            \(main)
            </main>
            </body>
            </html>

            """
    }

    /// The body of a refusal or error page.
    public static func refusal(_ title: String, _ explanation: String) -> String {
        "<p class=\"notice\">\(escape(explanation))</p>"
    }

    /// A date in UTC, to the second.
    static func time(_ date: Date?) -> String {
        guard let date else { return "—" }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ v: Int?) -> String { String(format: "%02d", v ?? 0) }
        return "\(c.year ?? 0)-\(two(c.month))-\(two(c.day)) \(two(c.hour)):\(two(c.minute)):\(two(c.second)) UTC"
    }

    /// The overview: open discrepancies by kind and severity, and the latest runs.
    public static func overview(counts: [(kind: String, severity: String, count: Int)], runs: [ConsoleRun]) -> String {
        let total = counts.reduce(0) { $0 + $1.count }
        var html = "<section><h2>Open discrepancies: \(total)</h2>"
        if counts.isEmpty {
            html += "<p>None open.</p>"
        } else {
            html += "<table><thead><tr><th>Kind</th><th>Severity</th><th class=\"num\">Open</th></tr></thead><tbody>"
            for count in counts {
                let query = "status=open&kind=\(escape(count.kind))"
                html +=
                    "<tr><td><a href=\"/discrepancies?\(query)\">\(escape(count.kind))</a></td><td><span class=\"sev \(escape(count.severity))\">\(escape(count.severity))</span></td><td class=\"num\">\(count.count)</td></tr>"
            }
            html += "</tbody></table>"
        }
        html += "</section><section><h2>Latest runs</h2>" + runTable(runs) + "</section>"
        return html
    }

    /// The runs table.
    public static func runTable(_ runs: [ConsoleRun]) -> String {
        guard !runs.isEmpty else { return "<p>No runs yet.</p>" }
        var html = """
            <table class="runs"><thead><tr><th>Run</th><th>Status</th><th>Trigger</th><th>Started</th>\
            <th class="num">Payments</th><th class="num">Repairs</th><th class="num">New</th><th class="num">Open</th>\
            </tr></thead><tbody>
            """
        for run in runs {
            html += """
                <tr><td data-label="Run"><a href="/runs/\(run.id)">#\(run.id)</a></td>\
                <td data-label="Status"><span class="status \(escape(run.status))">\(escape(run.status))</span></td>\
                <td data-label="Trigger">\(escape(run.trigger)) · \(escape(run.mode))</td>\
                <td data-label="Started">\(time(run.startedAt))</td>\
                <td data-label="Payments" class="num">\(run.paymentsScanned)</td>\
                <td data-label="Repairs" class="num">\(run.fixesApplied)</td>\
                <td data-label="New" class="num">\(run.discrepanciesNew)</td>\
                <td data-label="Open" class="num">\(run.discrepanciesOpen)</td></tr>
                """
        }
        return html + "</tbody></table>"
    }

    /// One run: its figures and the links to its report.
    public static func run(_ run: ConsoleRun, hasReport: Bool) -> String {
        var html = "<dl class=\"facts\">"
        let facts: [(String, String)] = [
            ("Status", run.status), ("Trigger", "\(run.trigger) · \(run.mode)"), ("Started", time(run.startedAt)),
            ("Finished", time(run.finishedAt)), ("Payments scanned", "\(run.paymentsScanned)"),
            ("Repairs applied", "\(run.fixesApplied)"), ("New discrepancies", "\(run.discrepanciesNew)"),
            ("Open discrepancies", "\(run.discrepanciesOpen)"),
        ]
        for (name, value) in facts { html += "<dt>\(escape(name))</dt><dd>\(escape(value))</dd>" }
        if let error = run.error { html += "<dt>Error</dt><dd class=\"error\">\(escape(error))</dd>" }
        html += "</dl>"
        if hasReport {
            html += """
                <p class="actions"><a class="button" href="/runs/\(run.id)/report">Open the report</a> \
                <a class="button secondary" href="/runs/\(run.id)/report.csv">Download CSV</a></p>
                """
        } else {
            html +=
                "<p class=\"notice\">This run stored no report (it is still running, or it ended before writing one).</p>"
        }
        return html
    }

    /// The discrepancy list: the filter form, then one card per discrepancy, with the resolve and
    /// ignore form for editors on open ones.
    public static func discrepancies(
        _ items: [ConsoleDiscrepancy], filter: DiscrepancyFilter, canEdit: Bool, token: String, limit: Int,
        notice: String?
    ) -> String {
        var html = ""
        if let notice { html += "<p class=\"done\">\(escape(notice))</p>" }
        html += "<form class=\"filters\" method=\"get\" action=\"/discrepancies\">"
        html += select(
            "status", label: "Status", options: ["open", "fixed", "resolved", "ignored", "all"],
            selected: filter.status?.rawValue ?? "all", any: nil)
        html += select(
            "kind", label: "Kind", options: DiscrepancyKindNames.all, selected: filter.kind?.rawValue, any: "any kind")
        html += select(
            "severity", label: "Severity", options: ["critical", "warning", "info"],
            selected: filter.severity?.rawValue, any: "any severity")
        html += "<button type=\"submit\">Filter</button></form>"
        if items.isEmpty { return html + "<p>No discrepancy matches.</p>" }
        if items.count >= limit {
            html += "<p class=\"notice\">Showing the newest \(limit); narrow the filter to see older ones.</p>"
        }
        html += "<ul class=\"cards\">"
        for item in items {
            html +=
                "<li class=\"card\" id=\"d\(item.id)\"><div class=\"head\"><span class=\"sev \(escape(item.severity))\">\(escape(item.severity))</span> "
            html +=
                "<strong>#\(item.id) \(escape(item.kind))</strong> <span class=\"status \(escape(item.status))\">\(escape(item.status))</span></div>"
            html += "<p class=\"detail\">\(escape(item.detail))</p><dl class=\"facts small\">"
            if let payment = item.paymentId { html += "<dt>Payment</dt><dd><code>\(escape(payment))</code></dd>" }
            if let user = item.userId { html += "<dt>User</dt><dd><code>\(escape(user))</code></dd>" }
            html +=
                "<dt>Seen</dt><dd>\(item.occurrences)× · first \(time(item.firstSeenAt)) · last \(time(item.lastSeenAt))</dd>"
            if let by = item.resolvedBy {
                html += "<dt>Settled by</dt><dd>\(escape(by)) at \(time(item.resolvedAt))</dd>"
            }
            if let note = item.resolutionNote { html += "<dt>Note</dt><dd>\(escape(note))</dd>" }
            html += "</dl>"
            if item.status == "open" && canEdit {
                html += postForm(
                    action: "/discrepancies/\(item.id)/resolve", token: token, hidden: [("back", filter.query)],
                    fields: """
                        <label for="note\(item.id)">Note (required)</label>\
                        <textarea id="note\(item.id)" name="note" required maxlength="2000" rows="2"></textarea>
                        """,
                    buttons: [("resolve", "Resolve"), ("ignore", "Ignore")])
            }
            html += "</li>"
        }
        return html + "</ul>"
    }

    /// A form that changes something: POST to `action` (a console path) with the page's token,
    /// the `hidden` fields, the `fields` markup (already escaped by the caller), and one submit
    /// button per `(value, label)` named `action`, the first primary. Every write form of the
    /// console is made here (the plans' approve form too), so none can lack the token.
    public static func postForm(
        action: String, token: String, hidden: [(String, String)] = [], fields: String,
        buttons: [(value: String, label: String)]
    ) -> String {
        var html = "<form class=\"resolve\" method=\"post\" action=\"\(escape(action))\">"
        html += "<input type=\"hidden\" name=\"_token\" value=\"\(escape(token))\">"
        for (name, value) in hidden {
            html += "<input type=\"hidden\" name=\"\(escape(name))\" value=\"\(escape(value))\">"
        }
        html += fields + "<div class=\"buttons\">"
        for (index, button) in buttons.enumerated() {
            html +=
                "<button type=\"submit\" name=\"action\" value=\"\(escape(button.value))\"\(index > 0 ? " class=\"secondary\"" : "")>\(escape(button.label))</button> "
        }
        return html + "</div></form>"
    }

    private static func select(_ name: String, label: String, options: [String], selected: String?, any: String?)
        -> String
    {
        var html = "<label>\(escape(label)) <select name=\"\(name)\">"
        if let any { html += "<option value=\"\"\(selected == nil ? " selected" : "")>\(escape(any))</option>" }
        for option in options {
            html += "<option\(option == selected ? " selected" : "")>\(escape(option))</option>"
        }
        return html + "</select></label>"
    }
}

/// The discrepancy kinds the filter offers.
enum DiscrepancyKindNames {
    static let all: [String] = ReconcilerCoreKinds.names
}
