import Foundation
import Reports
import WireFormat

/// The console's HTML, built as text with every value escaped (``escape(_:)``): no script, no
/// inline style, one served stylesheet.
public enum ConsolePages {
    /// `text` safe in HTML text and in double-quoted attributes.
    public static func escape(_ text: String) -> String {
        HTMLReport.escape(text)
    }

    /// A whole page: the navigation, who is signed in, and `main`.
    public static func layout(
        title: String, user: String?, navigation: [(title: String, path: String)], main: String,
        language: String = "en"
    ) -> String {
        let links = navigation.map { "<a href=\"\(escape($0.path))\">\(escape($0.title))</a>" }.joined(separator: " ")
        let who = user.map { "<span class=\"user\">\(escape($0))</span>" } ?? ""
        return """
            <!DOCTYPE html>
            <html lang="\(escape(language))">
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

    /// The body of a refusal or error page (the title is the page's heading).
    public static func refusal(_ title: String, _ explanation: String) -> String {
        "<p class=\"notice\">\(escape(explanation))</p>"
    }

    /// The overview: open discrepancies by kind and severity, the plans awaiting approval, and
    /// the latest runs.
    public static func overview(
        counts: [(kind: String, severity: String, count: Int)], runs: [ConsoleRun], plansAwaiting: Int?,
        _ l: ConsoleLocale
    ) -> String {
        let w = l.words
        let total = counts.reduce(0) { $0 + $1.count }
        var html = "<section><h2>\(escape(w.openDiscrepancies(total)))</h2>"
        if counts.isEmpty {
            html += "<p>\(escape(w.noneOpen))</p>"
        } else {
            html +=
                "<table><thead><tr><th>\(escape(w.kind))</th><th>\(escape(w.severity))</th><th class=\"num\">\(escape(w.open))</th></tr></thead><tbody>"
            for count in counts {
                let query = "status=open&kind=\(escape(count.kind))"
                html +=
                    "<tr><td><a href=\"/discrepancies?\(query)\">\(escape(count.kind))</a></td><td><span class=\"sev \(escape(count.severity))\">\(escape(count.severity))</span></td><td class=\"num\">\(count.count)</td></tr>"
            }
            html += "</tbody></table>"
        }
        html += "</section>"
        if let plansAwaiting {
            html += "<section><h2><a href=\"/plans\">\(escape(w.plansAwaiting(plansAwaiting)))</a></h2></section>"
        }
        html += "<section><h2>\(escape(w.latestRuns))</h2>" + runTable(runs, l) + "</section>"
        return html
    }

    /// The runs table.
    public static func runTable(_ runs: [ConsoleRun], _ l: ConsoleLocale) -> String {
        let w = l.words
        guard !runs.isEmpty else { return "<p>\(escape(w.noRuns))</p>" }
        let headers = [
            (w.run, ""), (w.status, ""), (w.trigger, ""), (w.started, ""), (w.payments, "num"), (w.repairs, "num"),
            (w.new, "num"), (w.open, "num"),
        ]
        var html = tableHead(class: "runs", headers)
        for run in runs {
            html += """
                <tr><td data-label="\(escape(w.run))"><a href="/runs/\(run.id)">#\(run.id)</a></td>\
                <td data-label="\(escape(w.status))"><span class="status \(escape(run.status))">\(escape(run.status))</span></td>\
                <td data-label="\(escape(w.trigger))">\(escape(run.trigger)) · \(escape(run.mode))</td>\
                <td data-label="\(escape(w.started))">\(escape(l.time(run.startedAt)))</td>\
                <td data-label="\(escape(w.payments))" class="num">\(run.paymentsScanned)</td>\
                <td data-label="\(escape(w.repairs))" class="num">\(run.fixesApplied)</td>\
                <td data-label="\(escape(w.new))" class="num">\(run.discrepanciesNew)</td>\
                <td data-label="\(escape(w.open))" class="num">\(run.discrepanciesOpen)</td></tr>
                """
        }
        return html + "</tbody></table>"
    }

    /// One run: its figures and the links to its report.
    public static func run(_ run: ConsoleRun, hasReport: Bool, _ l: ConsoleLocale) -> String {
        let w = l.words
        var facts: [(String, String)] = [
            (w.status, run.status), (w.trigger, "\(run.trigger) · \(run.mode)"), (w.started, l.time(run.startedAt)),
            (w.finished, l.time(run.finishedAt)), (w.paymentsScanned, "\(run.paymentsScanned)"),
            (w.repairsApplied, "\(run.fixesApplied)"), (w.newDiscrepancies, "\(run.discrepanciesNew)"),
            (w.openDiscrepanciesFact, "\(run.discrepanciesOpen)"),
        ]
        if let error = run.error { facts.append((w.error, error)) }
        var html = self.facts(facts)
        if hasReport {
            html += """
                <p class="actions"><a class="button" href="/runs/\(run.id)/report">\(escape(w.openReport))</a> \
                <a class="button secondary" href="/runs/\(run.id)/report.csv">\(escape(w.downloadCSV))</a></p>
                """
        } else {
            html += "<p class=\"notice\">\(escape(w.noReport))</p>"
        }
        return html
    }

    /// A table's opening and head row: each `(name, style)` header escaped, `style` its class
    /// (`num` for figures), then the opened body.
    static func tableHead(class name: String, _ headers: [(String, String)]) -> String {
        var html = "<table class=\"\(name)\"><thead><tr>"
        for (header, style) in headers {
            html += style.isEmpty ? "<th>\(escape(header))</th>" : "<th class=\"\(style)\">\(escape(header))</th>"
        }
        return html + "</tr></thead><tbody>"
    }

    /// A definition list of `(name, value)` pairs, both escaped.
    static func facts(_ pairs: [(String, String)]) -> String {
        "<dl class=\"facts\">" + pairs.map { "<dt>\(escape($0.0))</dt><dd>\(escape($0.1))</dd>" }.joined() + "</dl>"
    }

    /// The discrepancy list: the filter form, then one card per discrepancy, with the resolve and
    /// ignore form for editors on open ones.
    public static func discrepancies(
        _ items: [ConsoleDiscrepancy], filter: DiscrepancyFilter, canEdit: Bool, token: String, limit: Int,
        notice: String?, _ l: ConsoleLocale
    ) -> String {
        let w = l.words
        var html = ""
        if let notice { html += "<p class=\"done\">\(escape(notice))</p>" }
        html += "<form class=\"filters\" method=\"get\" action=\"/discrepancies\">"
        html += select(
            "status", label: w.status, options: ["open", "fixed", "resolved", "ignored", "all"],
            selected: filter.status?.rawValue ?? "all", any: nil)
        html += select(
            "kind", label: w.kind, options: DiscrepancyKindNames.all, selected: filter.kind?.rawValue, any: w.anyKind)
        html += select(
            "severity", label: w.severity, options: ["critical", "warning", "info"],
            selected: filter.severity?.rawValue, any: w.anySeverity)
        html += "<button type=\"submit\">\(escape(w.filter))</button></form>"
        if items.isEmpty { return html + "<p>\(escape(w.noMatch))</p>" }
        if items.count >= limit { html += "<p class=\"notice\">\(escape(w.showingNewest(limit)))</p>" }
        html += "<ul class=\"cards\">"
        for item in items {
            html +=
                "<li class=\"card\" id=\"d\(item.id)\"><div class=\"head\"><span class=\"sev \(escape(item.severity))\">\(escape(item.severity))</span> "
            html +=
                "<strong>#\(item.id) \(escape(item.kind))</strong> <span class=\"status \(escape(item.status))\">\(escape(item.status))</span></div>"
            html += "<p class=\"detail\">\(escape(detail(item, l)))</p><dl class=\"facts small\">"
            if let payment = item.paymentId {
                html += "<dt>\(escape(w.payment))</dt><dd><code>\(escape(payment))</code></dd>"
            }
            if let user = item.userId { html += "<dt>\(escape(w.user))</dt><dd><code>\(escape(user))</code></dd>" }
            html +=
                "<dt>\(escape(w.seen))</dt><dd>\(escape(w.seenTimes(item.occurrences, l.time(item.firstSeenAt), l.time(item.lastSeenAt))))</dd>"
            if let by = item.resolvedBy {
                html += "<dt>\(escape(w.settledBy))</dt><dd>\(escape(w.settledAt(by, l.time(item.resolvedAt))))</dd>"
            }
            if let note = item.resolutionNote {
                html +=
                    "<dt>\(escape(w.note))</dt><dd>\(escape(ReportLabels(locale: l.language).resolutionNote(note)))</dd>"
            }
            html += "</dl>"
            if item.status == "open" && canEdit {
                html += postForm(
                    action: "/discrepancies/\(item.id)/resolve", token: token, hidden: [("back", filter.query)],
                    fields: """
                        <label for="note\(item.id)">\(escape(w.noteRequired))</label>\
                        <textarea id="note\(item.id)" name="note" required maxlength="2000" rows="2"></textarea>
                        """,
                    buttons: [("resolve", w.resolve), ("ignore", w.ignore)])
            }
            html += "</li>"
        }
        return html + "</ul>"
    }

    /// The discrepancy's sentence in the console's language, as the reports word it.
    static func detail(_ item: ConsoleDiscrepancy, _ l: ConsoleLocale) -> String {
        var entry: [String: JSONValue] = [
            "kind": .string(item.kind), "detail": .string(item.detail), "expected": item.expected,
            "actual": item.actual,
        ]
        if let payment = item.paymentId { entry["paymentId"] = .string(payment) }
        if let user = item.userId { entry["userId"] = .string(user) }
        return ReportLabels(locale: l.language).detail(.object(entry))
    }

    /// The plans table, newest first.
    public static func planTable(_ plans: [ConsolePlan], _ l: ConsoleLocale) -> String {
        let w = l.words
        guard !plans.isEmpty else { return "<p>\(escape(w.noPlans))</p>" }
        let headers = [
            (w.plan, ""), (w.state, ""), (w.repairs, "num"), (w.credits, "num"), (w.hash, ""), (w.made, ""),
            (w.expires, ""), (w.approvedBy, ""),
        ]
        var html = tableHead(class: "runs plans", headers)
        for plan in plans {
            html += """
                <tr><td data-label="\(escape(w.plan))"><a href="/plans/\(plan.id)">#\(plan.id)</a></td>\
                <td data-label="\(escape(w.state))"><span class="status \(escape(plan.state))">\(escape(w.stateName(plan.state)))</span></td>\
                <td data-label="\(escape(w.repairs))" class="num">\(plan.repairs)</td>\
                <td data-label="\(escape(w.credits))" class="num">+\(plan.creditsGranted) / −\(plan.creditsDeducted)</td>\
                <td data-label="\(escape(w.hash))"><code>\(escape(String(plan.hash.prefix(12))))…</code></td>\
                <td data-label="\(escape(w.made))">\(escape(l.time(plan.createdAt)))</td>\
                <td data-label="\(escape(w.expires))">\(escape(l.time(plan.expiresAt)))</td>\
                <td data-label="\(escape(w.approvedBy))">\(escape(plan.approvedBy ?? "—"))</td></tr>
                """
        }
        return html + "</tbody></table>"
    }

    /// One plan: its facts, the link to the plan as the approver reads it, the approve form for
    /// approvers while it is proposed, and the command that applies it.
    public static func plan(
        _ plan: ConsolePlan, canApprove: Bool, token: String, notice: String?, _ l: ConsoleLocale
    ) -> String {
        let w = l.words
        var html = ""
        if let notice { html += "<p class=\"done\">\(escape(notice))</p>" }
        var facts: [(String, String)] = [
            (w.state, w.stateName(plan.state)), (w.hash, plan.hash),
            (w.reason, "\(w.stateName(plan.reason)) · \(w.run) #\(plan.runId)"),
            (w.repairs, "\(plan.repairs) · \(w.payments) \(plan.payments)"),
            (w.credits, "+\(plan.creditsGranted) / −\(plan.creditsDeducted)"), (w.made, l.time(plan.createdAt)),
            (w.expires, l.time(plan.expiresAt)),
        ]
        if let by = plan.approvedBy { facts.append((w.approvedBy, w.settledAt(by, l.time(plan.approvedAt)))) }
        if let note = plan.approvedNote { facts.append((w.approvalNote, note)) }
        if let applied = plan.appliedAt { facts.append((w.applied, l.time(applied))) }
        if let newer = plan.supersededBy { facts.append((w.supersededBy, "#\(newer)")) }
        html += self.facts(facts)
        html +=
            "<p class=\"actions\"><a class=\"button\" href=\"/plans/\(plan.id)/document\">\(escape(w.openPlan))</a></p>"
        if plan.state == "proposed" {
            html += "<section><h2>\(escape(w.approveHeading))</h2>"
            if canApprove {
                html += "<p>\(escape(w.approveExplanation))</p>"
                html += postForm(
                    action: "/plans/\(plan.id)/approve", token: token,
                    fields: """
                        <label for="note">\(escape(w.noteRequired))</label>\
                        <textarea id="note" name="note" required maxlength="2000" rows="2"></textarea>
                        """,
                    buttons: [("approve", w.approve)])
            } else {
                html += "<p class=\"notice\">\(escape(w.onlyApprovers))</p>"
            }
            html += "</section>"
        }
        if plan.state == "approved" || plan.state == "applying" {
            html +=
                "<p>\(escape(w.applyHint))</p><pre><code>credit-reconciler plan apply \(plan.id)</code></pre>"
        }
        return html
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
