import Foundation
import Postgres
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Notices, timeouts, lost connections and what error messages may contain.
@Suite("Session behaviour")
struct SessionBehaviourTests {
    @Test("notices are captured, not printed")
    func notices() throws {
        try TestDatabase.withFresh(schema: .empty) { database in
            let connection = try database.connect()
            let marker = "notice-marker-\(database.name)"
            let printed = try StandardErrorCapture.capture {
                try connection.execute(
                    "DO $$ BEGIN RAISE NOTICE '%', '\(marker)'; RAISE WARNING 'careful %', 1; END $$")
                try connection.execute("CREATE SCHEMA IF NOT EXISTS public")
            }
            #expect(!printed.contains(marker))
            let notices = connection.notices
            #expect(notices.contains { $0.severity == .notice && $0.message == marker })
            #expect(notices.contains { $0.severity == .warning && $0.message == "careful 1" })
            #expect(notices.contains { $0.sqlState == "42P06" })
            #expect(connection.drainNotices().count == notices.count)
            #expect(connection.notices.isEmpty)
        }
    }

    @Test("client_min_messages filters notices at the server")
    func clientMinMessages() throws {
        try TestDatabase.withFresh(schema: .empty) { database in
            let connection = try database.connect(configuration: ConnectionConfiguration(clientMinMessages: .warning))
            try connection.execute("DO $$ BEGIN RAISE NOTICE 'quiet'; RAISE WARNING 'loud'; END $$")
            #expect(connection.notices.map(\.message) == ["loud"])
        }
    }

    @Test("session settings: application_name, statement_timeout, UTC")
    func sessionSettings() throws {
        try TestDatabase.withFresh(schema: .empty) { database in
            let connection = try database.connect(
                configuration: ConnectionConfiguration(
                    applicationName: "credit-reconciler", statementTimeout: .milliseconds(1500)))
            let row = try #require(
                try connection.queryFirst(
                    "SELECT current_setting('application_name') AS app, current_setting('statement_timeout') AS timeout, current_setting('TimeZone') AS zone"
                ))
            #expect(try row.decode("app", as: String.self) == "credit-reconciler")
            #expect(try row.decode("timeout", as: String.self) == "1500ms")
            #expect(try row.decode("zone", as: String.self) == "UTC")
        }
    }

    @Test("statement_timeout is enforced and reported as such")
    func statementTimeout() throws {
        try TestDatabase.withFresh(schema: .empty) { database in
            let connection = try database.connect(
                configuration: ConnectionConfiguration(statementTimeout: .milliseconds(200)))
            let error = #expect(throws: PostgresError.self) { try connection.execute("SELECT pg_sleep(30)") }
            #expect(error?.kind == .statementTimeout)
            #expect(error?.sqlState == "57014")
            #expect(error?.message.contains("200 ms") == true)
            #expect(try connection.queryFirst("SELECT 1 AS one")?.decode("one", as: Int.self) == 1)
        }
    }

    @Test("a backend terminated by the server is reported as unavailable")
    func terminatedBackend() throws {
        try TestDatabase.withFresh(schema: .empty) { database in
            let victim = try database.connect()
            let killer = try database.connect()
            let terminated = try #require(
                try killer.queryFirst("SELECT pg_terminate_backend($1, 10000) AS done", [victim.backendPID]))
            #expect(try terminated.decode("done", as: Bool.self))
            let error = #expect(throws: PostgresError.self) { try victim.execute("SELECT 1") }
            #expect(error?.kind == .unavailable)
            #expect(error?.isUnavailable == true)
            #expect(error?.message.contains(database.url.endpoint) == true)
            #expect(!victim.isConnected)
            let again = #expect(throws: PostgresError.self) { try victim.execute("SELECT 1") }
            #expect(again?.kind == .unavailable)
        }
    }

    @Test("server errors carry SQLSTATE, detail and hint but never bound values")
    func errorsWithoutParameters() throws {
        try TestDatabase.withFresh(schema: .empty) { database in
            let connection = try database.connect()
            try connection.execute("CREATE TABLE grants (payment_id text PRIMARY KEY)")
            let secretValue = "pay_customer_secret_42"
            try connection.execute("INSERT INTO grants VALUES ($1)", [secretValue])
            let duplicate = #expect(throws: PostgresError.self) {
                try connection.execute("INSERT INTO grants VALUES ($1)", [secretValue])
            }
            #expect(duplicate?.sqlState == "23505")
            #expect(duplicate?.isUniqueViolation == true)
            #expect(duplicate?.detail?.contains("<parameter $1>") == true)
            #expect(duplicate.map { "\($0)" }?.contains(secretValue) == false)

            let badInput = #expect(throws: PostgresError.self) {
                try connection.execute("SELECT $1::integer", ["12ab-not-a-number"])
            }
            #expect(badInput?.sqlState == "22P02")
            #expect(badInput.map { "\($0)" }?.contains("12ab-not-a-number") == false)

            let hinted = #expect(throws: PostgresError.self) {
                try connection.execute(
                    "DO $$ BEGIN RAISE EXCEPTION 'boom' USING DETAIL = 'the detail', HINT = 'the hint'; END $$")
            }
            #expect(hinted?.sqlState == "P0001")
            #expect(hinted?.message == "boom")
            #expect(hinted?.detail == "the detail")
            #expect(hinted?.hint == "the hint")
        }
    }

    @Test("a closed connection refuses use with a clear message")
    func closed() throws {
        try TestDatabase.withFresh(schema: .empty) { database in
            let connection = try database.connect()
            connection.close()
            let error = #expect(throws: PostgresError.self) { try connection.execute("SELECT 1") }
            #expect(error?.kind == .misuse)
            #expect(error?.message.contains("closed") == true)
        }
    }
}

/// Redirects file descriptor 2 into a temporary file while `body` runs and returns what was written.
enum StandardErrorCapture {
    static func capture(_ body: () throws -> Void) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("stderr-\(UUID().uuidString)").path
        let file = open(path, O_CREAT | O_RDWR | O_TRUNC, 0o600)
        defer { unlink(path) }
        let saved = dup(2)
        dup2(file, 2)
        defer {
            dup2(saved, 2)
            Glibc.close(saved)
            Glibc.close(file)
        }
        try body()
        return (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    }
}
