import FinanceConsole
import Foundation
import LoopbackHTTP
import Postgres
import ReconcilerCore
import ReconcilerEngine
import TestSupport
import Testing
import WireFormat

/// The finance console over loopback HTTP against a real PostgreSQL holding a real run: every
/// page, the filters, resolve and ignore by role, the refusals (no user header, a reader, no or
/// a wrong token), and hostile input answered safely.
@Suite(.serialized) struct ConsoleHTTPTests {
    typealias World = ReconciliationWorldTests

    /// A database with one run's worth of findings and a console on it.
    final class Fixture: Sendable {
        let database: TestDatabase
        let server: ConsoleServer
        var port: Int { server.port }

        init(database: TestDatabase, requestTimeout: Int = 10, locale: ConsoleLocale = .english) throws {
            self.database = database
            var settings = ConsoleSettings()
            settings.editors = ["kim"]
            settings.approvers = ["park"]
            let app = ConsoleApp(
                settings: settings,
                sections: ConsoleSections.standard(
                    data: DatabaseConsoleData(databaseURL: database.url.conninfoIncludingPassword), locale: locale),
                key: ConsoleHTTPTests.key, locale: locale)
            var limits = HTTPServer.Limits.service
            limits.requestTimeoutSeconds = requestTimeout
            limits.idleTimeoutSeconds = min(limits.idleTimeoutSeconds, requestTimeout * 2)
            server = ConsoleServer(app: app, limits: limits)
            try server.start(.loopback(host: "127.0.0.1", port: 0))
        }

        func get(_ target: String, user: String? = "lee", cookie: String? = nil) throws -> RawHTTP.Answer {
            var headers: [String] = []
            if let user { headers.append("X-Forwarded-User: \(user)") }
            if let cookie { headers.append("Cookie: console_session=\(cookie)") }
            return try RawHTTP.exchange(port: port, RawHTTP.request("GET", target, headers: headers))
        }

        func post(_ target: String, user: String?, cookie: String?, fields: [(String, String)]) throws -> RawHTTP.Answer
        {
            var headers: [String] = []
            if let user { headers.append("X-Forwarded-User: \(user)") }
            if let cookie { headers.append("Cookie: console_session=\(cookie)") }
            let body = fields.map { "\($0.0)=\(RawHTTP.formEncoded($0.1))" }.joined(separator: "&")
            return try RawHTTP.exchange(port: port, RawHTTP.request("POST", target, headers: headers, body: body))
        }

        /// Opens the discrepancy list as `user`: the session cookie and the form token (from the
        /// page for an editor; a reader's page has no form, so its token is made with the key).
        func session(_ user: String) throws -> (cookie: String, token: String) {
            let page = try get("/discrepancies", user: user)
            let cookie = try #require(page.sessionCookie)
            let made = FormToken(key: ConsoleHTTPTests.key).token(session: cookie, user: user)
            if let token = ConsoleHTTPTests.token(in: page.body) {
                #expect(token == made)
                return (cookie, token)
            }
            return (cookie, made)
        }

        func status(of id: Int64) throws -> (status: String, by: String?, note: String?, at: Bool) {
            let connection = try database.connect()
            defer { connection.close() }
            let row = try #require(
                try connection.queryFirst(
                    "SELECT status, resolved_by, resolution_note, resolved_at IS NOT NULL AS at FROM reconciler.discrepancy WHERE id = $1",
                    [id]))
            return (
                try row.decode("status"), try row.decode("resolved_by"), try row.decode("resolution_note"),
                try row.decode("at")
            )
        }

        func openIds() throws -> [Int64] {
            let connection = try database.connect()
            defer { connection.close() }
            return try connection.query("SELECT id FROM reconciler.discrepancy WHERE status = 'open' ORDER BY id")
                .map { try $0.decode("id") }
        }

        func execute(_ sql: String, _ parameters: [any PostgresBindable] = []) throws {
            let connection = try database.connect()
            defer { connection.close() }
            _ = try connection.query(sql, parameters)
        }
    }

    static let key = [UInt8](repeating: 7, count: 32)

    static func token(in html: String) -> String? {
        guard let range = html.range(of: "name=\"_token\" value=\"") else { return nil }
        return String(html[range.upperBound...].prefix { $0 != "\"" })
    }

    static func withConsole(
        requestTimeout: Int = 10, locale: ConsoleLocale = .english, dryRunFirst: Bool = false,
        _ body: (Fixture) async throws -> Void
    ) async throws {
        try await TestDatabase.withFresh(schema: .app) { database in
            let (simulator, _) = try await World.world(payments: 300, seed: 81, database: database)
            defer { simulator.stop() }
            let engine = try RunOutputsTests.engine(
                simulator, database, folder: FileManager.default.temporaryDirectory, webhook: nil,
                lines: RunOutputsTests.Lines())
            // A dry run first leaves a proposed plan of the repairs the run then applies.
            if dryRunFirst { _ = try await engine.run(RunRequest(dryRun: true)) }
            _ = try await engine.run(RunRequest())
            let fixture = try Fixture(database: database, requestTimeout: requestTimeout, locale: locale)
            defer { fixture.server.stop() }
            try await body(fixture)
        }
    }

    static func expectSecurityHeaders(_ answer: RawHTTP.Answer, _ what: String) {
        let csp = answer.header("content-security-policy") ?? ""
        #expect(csp.contains("default-src 'none'"), "\(what): \(csp)")
        #expect(!csp.contains("unsafe-inline") && !csp.contains("*"), "\(what): \(csp)")
        #expect(csp.contains("frame-ancestors 'none'"), "\(what)")
        #expect(answer.header("x-content-type-options") == "nosniff", "\(what)")
        #expect(answer.header("cache-control") == "no-store" || what == "css", "\(what)")
    }

    @Test func everyPageAnswersWithRealData() async throws {
        try await Self.withConsole { console in
            let overview = try console.get("/")
            #expect(overview.status == 200)
            #expect(overview.body.contains("Open discrepancies:"))
            #expect(overview.body.contains("href=\"/runs/1\""))
            Self.expectSecurityHeaders(overview, "/")
            #expect(overview.sessionCookie?.count == 64)
            #expect(overview.header("set-cookie")?.contains("HttpOnly; Secure; SameSite=Strict") == true)
            #expect(!overview.body.contains("<script"))
            #expect(!overview.body.contains("style=\""))

            let runs = try console.get("/runs")
            #expect(runs.status == 200 && runs.body.contains("#1") && runs.body.contains("succeeded"))
            let run = try console.get("/runs/1")
            #expect(run.status == 200 && run.body.contains("/runs/1/report"))

            let report = try console.get("/runs/1/report")
            #expect(report.status == 200)
            #expect(report.body.contains("<svg") || report.body.contains("<table"))
            let csp = report.header("content-security-policy") ?? ""
            #expect(csp.contains("style-src 'sha256-"), "\(csp)")
            #expect(!csp.contains("unsafe-inline"))
            // The hash is the report's own <style>.
            let style = try #require(report.body.range(of: "<style>")).upperBound
            let styleEnd = try #require(report.body[style...].range(of: "</style>")).lowerBound
            var hash = SHA256()
            hash.update(Array(report.body[style..<styleEnd].utf8))
            #expect(csp.contains("'sha256-\(Data(hash.finalize()).base64EncodedString())'"))

            let csv = try console.get("/runs/1/report.csv")
            #expect(csv.status == 200 && csv.body.hasPrefix("\u{FEFF}"))
            #expect(csv.header("content-disposition") == "attachment; filename=\"run-1.csv\"")

            let list = try console.get("/discrepancies")
            let open = try console.openIds()
            #expect(!open.isEmpty)
            #expect(list.body.components(separatedBy: "<li class=\"card\"").count - 1 == min(open.count, 500))
            #expect(!list.body.contains("<form class=\"resolve\""), "a reader gets no resolve form")
            let editor = try console.get("/discrepancies", user: "kim")
            #expect(editor.body.contains("<form class=\"resolve\""))

            let css = try console.get("/static/console.css", user: nil)
            #expect(css.status == 200 && css.header("content-type") == "text/css; charset=utf-8")
            #expect(css.body.contains("@media print") && css.body.contains("@media (max-width"))

            #expect(try console.get("/runs/999").status == 404)
            #expect(try console.get("/nowhere").status == 404)
            let head = try RawHTTP.exchange(
                port: console.port, RawHTTP.request("HEAD", "/runs", headers: ["X-Forwarded-User: lee"]))
            #expect(head.status == 200 && head.body.isEmpty)
            #expect(Int(head.header("content-length") ?? "0") ?? 0 > 0)
        }
    }

    @Test func theFiltersNarrowTheList() async throws {
        try await Self.withConsole { console in
            let connection = try console.database.connect()
            defer { connection.close() }
            let kinds = try connection.query(
                "SELECT kind, severity, count(*) AS n FROM reconciler.discrepancy GROUP BY kind, severity ORDER BY n DESC"
            )
            try #require(!kinds.isEmpty)
            for row in kinds {
                let kind: String = try row.decode("kind")
                let severity: String = try row.decode("severity")
                let count: Int64 = try row.decode("n")
                let page = try console.get("/discrepancies?status=all&kind=\(kind)&severity=\(severity)")
                #expect(page.status == 200)
                #expect(
                    page.body.components(separatedBy: "<li class=\"card\"").count - 1 == Int(min(count, 500)), "\(kind)"
                )
                #expect(page.body.contains("<option selected>\(kind)</option>"))
                let other = severity == "critical" ? "info" : "critical"
                let none = try console.get("/discrepancies?status=all&kind=\(kind)&severity=\(other)")
                #expect(none.body.contains("No discrepancy matches.") || kind == "")
            }
            let resolved = try console.get("/discrepancies?status=resolved")
            #expect(resolved.body.contains("No discrepancy matches."))
        }
    }

    @Test func resolveAndIgnoreNeedAnEditorAndTheToken() async throws {
        try await Self.withConsole { console in
            let open = try console.openIds()
            try #require(open.count >= 3)
            let (first, second) = (open[0], open[1])

            // Without the user header: refused with a page that says why.
            let anonymous = try console.post("/discrepancies/\(first)/resolve", user: nil, cookie: nil, fields: [])
            #expect(anonymous.status == 401)
            #expect(anonymous.body.contains("X-Forwarded-User"))
            #expect(try console.get("/", user: nil).status == 401)

            // A reader with a valid session and token: 403, nothing changed.
            let reader = try console.session("lee")
            let denied = try console.post(
                "/discrepancies/\(first)/resolve", user: "lee", cookie: reader.cookie,
                fields: [("_token", reader.token), ("note", "checked"), ("action", "resolve")])
            #expect(denied.status == 403)
            #expect(denied.body.contains("console.editors"))
            #expect(try console.status(of: first).status == "open")

            // An approver is not an editor either.
            let approver = try console.session("park")
            #expect(
                try console.post(
                    "/discrepancies/\(first)/resolve", user: "park", cookie: approver.cookie,
                    fields: [("_token", approver.token), ("note", "x")]
                ).status == 403)

            // An editor without the token, with a wrong one, with another session's or user's: 403.
            let editor = try console.session("kim")
            for (cookie, token) in [
                (editor.cookie, nil), (editor.cookie, String(repeating: "0", count: 64)), (editor.cookie, reader.token),
                (reader.cookie, editor.token), (nil, editor.token),
            ] as [(String?, String?)] {
                var fields = [("note", "checked"), ("action", "resolve")]
                if let token { fields.append(("_token", token)) }
                let refused = try console.post(
                    "/discrepancies/\(first)/resolve", user: "kim", cookie: cookie, fields: fields)
                #expect(refused.status == 403, "\(String(describing: cookie)) \(String(describing: token))")
                #expect(refused.body.contains("Nothing was changed"))
            }
            #expect(try console.status(of: first).status == "open")

            // An empty note is refused.
            let empty = try console.post(
                "/discrepancies/\(first)/resolve", user: "kim", cookie: editor.cookie,
                fields: [("_token", editor.token), ("note", "   "), ("action", "resolve")])
            #expect(empty.status == 400)

            // The editor with the token: resolved, recorded with the user and the time.
            let done = try console.post(
                "/discrepancies/\(first)/resolve", user: "kim", cookie: editor.cookie,
                fields: [
                    ("_token", editor.token), ("note", "refunded by hand, ticket 42"), ("action", "resolve"),
                    ("back", "status=open"),
                ])
            #expect(done.status == 303)
            #expect(done.header("location") == "/discrepancies?status=open&done=\(first)&as=resolved")
            let resolved = try console.status(of: first)
            #expect(resolved.status == "resolved" && resolved.by == "kim" && resolved.at)
            #expect(resolved.note == "refunded by hand, ticket 42")

            let ignored = try console.post(
                "/discrepancies/\(second)/resolve", user: "kim", cookie: editor.cookie,
                fields: [("_token", editor.token), ("note", "test payment"), ("action", "ignore")])
            #expect(ignored.status == 303)
            #expect(try console.status(of: second).status == "ignored")

            // Settling it again says who did it first.
            let again = try console.post(
                "/discrepancies/\(first)/resolve", user: "kim", cookie: editor.cookie,
                fields: [("_token", editor.token), ("note", "again"), ("action", "resolve")])
            #expect(again.status == 409)
            #expect(again.body.contains("kim"))

            let shown = try console.get("/discrepancies?status=resolved", user: "kim", cookie: editor.cookie)
            #expect(shown.body.contains("refunded by hand, ticket 42"))
        }
    }

    @Test func hostileValuesAreShownEscaped() async throws {
        try await Self.withConsole { console in
            let open = try console.openIds()
            let id = try #require(open.first)
            let script = "<script>alert('x')</script>"
            let image = "\"><img src=x onerror=alert(1)>"
            try console.execute(
                "UPDATE reconciler.discrepancy SET detail = $2, payment_id = $3 WHERE id = $1",
                [id, "order \(script) & more", "pay\(image)"])
            let editor = try console.session("kim")
            _ = try console.post(
                "/discrepancies/\(open[1])/resolve", user: "kim", cookie: editor.cookie,
                fields: [("_token", editor.token), ("note", "note \(script)\(image)"), ("action", "resolve")])
            for target in [
                "/discrepancies?status=all", "/discrepancies?status=open&kind=\(RawHTTP.formEncoded(script))",
            ] {
                let page = try console.get(target, user: "kim", cookie: editor.cookie)
                #expect(page.status == 200)
                #expect(!page.body.contains("<script"), "\(target)")
                #expect(!page.body.contains("<img"), "\(target)")
                #expect(!page.body.contains("onerror=alert(1)>"), "\(target)")
            }
            let all = try console.get("/discrepancies?status=all", user: "kim", cookie: editor.cookie).body
            #expect(all.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;") || all.contains("&lt;script&gt;"))
            // A user name with markup is escaped too.
            let marked = try console.get("/", user: "<b>mallory</b>")
            #expect(marked.status == 200 && !marked.body.contains("<b>mallory"))
        }
    }

    @Test func hostileRequestsAreAnsweredSafely() async throws {
        try await Self.withConsole(requestTimeout: 2) { console in
            let port = console.port
            // Oversized head, too many fields, oversized body.
            let big = try RawHTTP.exchange(
                port: port,
                RawHTTP.request(
                    "GET", "/", headers: ["X-Forwarded-User: lee", "X-Big: " + String(repeating: "a", count: 20_000)]))
            #expect(big.status == 431)
            let many = try RawHTTP.exchange(
                port: port, RawHTTP.request("GET", "/", headers: (0..<80).map { "X-\($0): y" }))
            #expect(many.status == 431)
            let body = try RawHTTP.exchange(
                port: port,
                RawHTTP.request(
                    "POST", "/discrepancies/1/resolve", headers: ["X-Forwarded-User: kim"],
                    body: "note=" + String(repeating: "a", count: 100_000)))
            #expect(body.status == 413)
            // Methods other than GET, HEAD, POST.
            for method in ["PUT", "DELETE", "TRACE", "OPTIONS", "CONNECT"] {
                let answer = try RawHTTP.exchange(
                    port: port, RawHTTP.request(method, "/", headers: ["X-Forwarded-User: lee"]))
                #expect(answer.status == 405, "\(method)")
            }
            // POST where only GET is served, and GET where only POST is.
            #expect(try console.post("/runs", user: "kim", cookie: nil, fields: []).status == 405)
            #expect(try console.get("/discrepancies/1/resolve").status == 405)
            // Path tricks.
            for path in [
                "/../etc/passwd", "/runs/..%2f..%2fetc%2fpasswd", "/%2e%2e/%2e%2e/etc/passwd",
                "/static/..%2fconsole.css",
                "//etc/passwd", "/runs/1%00", "/runs/%0d%0aSet-Cookie:x=1",
            ] {
                let answer = try console.get(path)
                #expect(answer.status == 400, "\(path) → \(answer.status)")
                #expect(!answer.raw.contains("root:"))
            }
            #expect(try console.get("/runs/-1").status == 404)
            #expect(try console.get("/runs/99999999999999999999999").status == 404)
            // Garbage instead of HTTP.
            let garbage = try RawHTTP.exchange(
                port: port, Array([0x16, 0x03, 0x01, 0x00, 0xff] + Array("\r\n\r\n".utf8)))
            #expect(garbage.status == 400)
            // A header with a line break inside a value cannot split the response.
            let injected = try console.get("/", user: "lee\r\nX-Injected: 1")
            #expect(injected.header("x-injected") == nil)

            // A slow client: the head trickles in and never ends; the server answers 408 and
            // closes, and keeps serving others meanwhile.
            let slow = try RawHTTP.connect(port: port)
            defer { close(slow) }
            RawHTTP.send(slow, Array("GET / HTTP/1.1\r\nX-Forwarded-User: lee\r\n".utf8))
            let meanwhile = try console.get("/runs")
            #expect(meanwhile.status == 200)
            let timedOut = RawHTTP.parse(RawHTTP.readAll(slow, timeout: 30))
            #expect(timedOut.status == 408)

            // An idle kept-alive connection is closed by the server, not held forever.
            let idle = try RawHTTP.connect(port: port)
            defer { close(idle) }
            RawHTTP.send(
                idle, Array("GET /static/console.css HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
            let kept = RawHTTP.readAll(idle, timeout: 60)
            #expect(String(decoding: kept, as: UTF8.self).hasPrefix("HTTP/1.1 200"))
        }
    }
}
