import FinanceConsole
import LoopbackHTTP
import ReconcilerCore
import Testing

/// The console's rules without a socket or a database: routes, tokens, filters, escaping.
@Suite struct ConsoleAppTests {
    static let route = ConsoleRoute("POST", "/discrepancies/{id}/resolve", role: .editor) { _ in .redirect("/") }

    @Test(arguments: [
        ("/discrepancies/12/resolve", true), ("/discrepancies/12/resolve/", true), ("/discrepancies/0/resolve", false),
        ("/discrepancies/-1/resolve", false), ("/discrepancies/1x/resolve", false),
        ("/discrepancies/99999999999999999999/resolve", false), ("/discrepancies/12", false), ("/", false),
    ])
    func routesMatchTheirPatternOnly(path: String, matches: Bool) {
        let app = Self.app(sections: [ConsoleSection(title: "D", path: "/d", routes: [Self.route])])
        let answer = app.respond(Self.request("GET", path, user: "kim"))
        // A matching path answers 405 to GET (the route is POST only); any other path 404.
        #expect(answer.status == (matches ? 405 : 404), "\(path)")
    }

    @Test func tokensAreBoundToTheSessionAndTheUser() {
        let tokens = FormToken(key: Array(repeating: 1, count: 32))
        let token = tokens.token(session: "s1", user: "kim")
        #expect(token.count == 64)
        #expect(tokens.verify(token, session: "s1", user: "kim"))
        #expect(!tokens.verify(token, session: "s2", user: "kim"))
        #expect(!tokens.verify(token, session: "s1", user: "lee"))
        #expect(!tokens.verify("", session: "s1", user: "kim"))
        #expect(!FormToken(key: Array(repeating: 2, count: 32)).verify(token, session: "s1", user: "kim"))
    }

    @Test func theFilterReadsOnlyKnownValues() {
        let filter = DiscrepancyFilter(query: ["status": "all", "kind": "UNKNOWN_USER", "severity": "critical"])
        #expect(filter.status == nil && filter.kind == .unknownUser && filter.severity == .critical)
        #expect(filter.query == "status=all&kind=UNKNOWN_USER&severity=critical")
        let hostile = DiscrepancyFilter(query: ["status": "<x>", "kind": "<script>", "severity": "\"'"])
        #expect(hostile.status == .open && hostile.kind == nil && hostile.severity == nil)
    }

    @Test func rolesComeFromTheSettings() {
        var settings = ConsoleSettings()
        settings.editors = ["kim"]
        settings.approvers = ["park"]
        #expect(ConsoleRole.reader.isHeld(by: "anyone", settings: settings))
        #expect(ConsoleRole.editor.isHeld(by: "kim", settings: settings))
        #expect(!ConsoleRole.editor.isHeld(by: "park", settings: settings))
        #expect(ConsoleRole.approver.isHeld(by: "park", settings: settings))
        #expect(!ConsoleRole.approver.isHeld(by: "kim", settings: settings))
    }

    @Test func anApproverRouteRefusesOthers() {
        let approve = ConsoleRoute("GET", "/plans/{id}/approve-check", role: .approver) { request in
            .page(status: 200, title: "ok", body: "approved by \(request.user)")
        }
        let app = Self.app(sections: [ConsoleSection(title: "Plans", path: "/plans", routes: [approve])])
        #expect(app.respond(Self.request("GET", "/plans/3/approve-check", user: "park")).status == 200)
        let refused = app.respond(Self.request("GET", "/plans/3/approve-check", user: "kim"))
        #expect(refused.status == 403)
        #expect(String(decoding: refused.body, as: UTF8.self).contains("console.approvers"))
    }

    @Test func pagesEscapeEverything() {
        let html = ConsolePages.layout(
            title: "<t>", user: "<u>", navigation: [(title: "<n>", path: "/\"x")], main: ConsolePages.refusal("", "<m>")
        )
        #expect(!html.contains("<t>") && !html.contains("<u>") && !html.contains("<n>") && !html.contains("<m>"))
        #expect(!html.contains("/\"x"))
        #expect(!html.contains("<script") && !html.contains("style=\""))
    }

    static func app(sections: [ConsoleSection]) -> ConsoleApp {
        var settings = ConsoleSettings()
        settings.editors = ["kim"]
        settings.approvers = ["park"]
        return ConsoleApp(settings: settings, sections: sections, key: Array(repeating: 3, count: 32)) {
            String(repeating: "a", count: 64)
        }
    }

    static func request(_ method: String, _ path: String, user: String?) -> HTTPRequest {
        HTTPRequest(
            method: method, target: path, path: path, rawPath: path, query: [:],
            headers: user.map { [(name: "x-forwarded-user", value: $0)] } ?? [], body: [], minorVersion: 1)
    }
}
