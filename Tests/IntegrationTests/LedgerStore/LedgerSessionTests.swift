import Foundation
import LedgerStore
import Postgres
import TestSupport
import Testing

/// LedgerDatabase opens the store's sessions (the engine's and the commands' connections), and
/// a session answers check-config's questions: who it is, and which privileges a run lacks.
@Suite("Ledger sessions")
struct LedgerSessionTests {
    @Test("a session opens with its application name, counts its statements and closes")
    func opensAndCloses() throws {
        try TestDatabase.withFresh(schema: .migrated) { database in
            let session = try database.ledger.open(applicationName: "cr-session-test", connectTimeout: .seconds(3))
            #expect(session.isConnected)
            let before = session.statementsExecuted
            #expect(try session.recorder.runs(limit: 1).isEmpty)
            #expect(try session.discrepancies.openCounts().isEmpty)
            #expect(session.statementsExecuted == before + 2)
            #expect(session.timeInStatements > .zero)

            let admin = try database.connect()
            defer { admin.close() }
            let shown = try admin.queryFirst(
                "SELECT application_name FROM pg_stat_activity WHERE pid = $1", [session.connection.backendPID])
            #expect(try shown?.decode("application_name", as: String.self) == "cr-session-test")
            let identity = try session.identity()
            #expect(identity.database == database.name)
            #expect(!identity.role.isEmpty)
            #expect(identity.serverVersion.first?.isNumber == true)

            session.close()
            #expect(!session.isConnected)
            let closed = #expect(throws: LedgerStoreError.self) { try session.recorder.runs(limit: 1) }
            #expect(closed?.postgresError?.kind == .misuse)
            session.close()
        }
    }

    /// Ways to get `DATABASE_URL` wrong or find the server away, and how the store sorts them.
    static let failures: [(name: String, url: @Sendable (TestDatabase) -> String, unavailable: Bool)] = [
        ("malformed", { _ in "postgresql://[broken" }, false),
        ("nothing listens", { _ in "postgresql://nobody:pw@127.0.0.1:1/none" }, true),
        (
            "wrong password",
            { database in
                database.url.replacing(user: database.url.user ?? "postgres", password: "not-the-password")
                    .conninfoIncludingPassword
            }, false
        ),
        (
            "missing database",
            { database in database.url.replacing(database: "cr_no_such_db").conninfoIncludingPassword }, false
        ),
    ]

    @Test("a wrong DATABASE_URL is misconfigured, an absent server unavailable; no message holds the password")
    func openFailures() throws {
        try TestDatabase.withFresh(schema: .empty) { database in
            for (name, url, unavailable) in Self.failures {
                let text = url(database)
                let error = #expect(throws: LedgerStoreError.self, "\(name)") {
                    try LedgerDatabase(parsing: text).open(connectTimeout: .seconds(2))
                }
                switch error {
                case .unavailable?: #expect(unavailable, "\(name): \(String(describing: error))")
                case .misconfigured?: #expect(!unavailable, "\(name): \(String(describing: error))")
                default: Issue.record("\(name): \(String(describing: error))")
                }
                #expect(!"\(String(describing: error))".contains("not-the-password"), "\(name)")
            }
        }
    }

    @Test("the database's owner lacks nothing; a database without the app's tables names them")
    func ownerPrivileges() throws {
        try TestDatabase.withFresh(schema: .migrated) { database in
            let session = try database.session()
            defer { session.close() }
            #expect(try session.missingPrivileges().isEmpty)
        }
        try TestDatabase.withFresh(schema: .empty) { database in
            let session = try database.session()
            defer { session.close() }
            let missing = try session.missingPrivileges()
            #expect(missing.count == 3, "\(missing)")
            for table in ["\"User\"", "\"Credit\"", "\"CreditTransaction\""] {
                #expect(
                    missing.contains(
                        "table \(table) (it does not exist: DATABASE_URL must name the web app's database)"),
                    "\(missing)")
            }
        }
    }

    @Test(
        "the least-privilege role has what a run needs; a revoked grant is named",
        arguments: [
            (nil, nil),
            (#"REVOKE UPDATE (balance) ON "Credit" FROM %@"#, #"UPDATE (balance) on "Credit""#),
            (#"REVOKE INSERT ON "CreditTransaction" FROM %@"#, #"INSERT on "CreditTransaction""#),
            (#"REVOKE SELECT ON "User" FROM %@"#, #"SELECT on "User""#),
            ("REVOKE USAGE, CREATE ON SCHEMA reconciler FROM %@", "USAGE on schema reconciler"),
            // A role holding some of a table's privileges still lacks the others.
            ("REVOKE DELETE ON reconciler.run_repair FROM %@", "DELETE on reconciler.run_repair"),
            ("REVOKE UPDATE ON reconciler.run FROM %@", "UPDATE on reconciler.run"),
            ("REVOKE INSERT ON reconciler.fix FROM %@", "INSERT on reconciler.fix"),
        ] as [(String?, String?)])
    func rolePrivileges(revoke: String?, missing: String?) throws {
        let role: TestRole = try TestDatabase.withFresh(schema: .migrated) { database in
            let role = try TestRole.create(in: database)
            if let revoke {
                let admin = try database.connect()
                defer { admin.close() }
                try admin.execute(revoke.replacingOccurrences(of: "%@", with: Connection.quoteIdentifier(role.name)))
            }
            let session = try LedgerDatabase(url: role.url).open()
            defer { session.close() }
            #expect(try session.identity().role == role.name)
            let lacking = try session.missingPrivileges()
            #expect(lacking == (missing.map { [$0] } ?? []), "\(lacking)")
            return role
        }
        role.drop()
    }
}
