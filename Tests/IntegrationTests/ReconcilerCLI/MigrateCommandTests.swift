import Foundation
import LedgerStore
import Postgres
import TestSupport
import Testing

/// `credit-reconciler migrate` as operators run it: the built binary, configured by the
/// environment, against a real database.
@Suite struct MigrateCommandTests {
    static func migrate(_ environment: [String: String]) throws -> ProductProcess.Outcome {
        try ProductProcess.run("credit-reconciler", ["migrate"], environment: environment)
    }

    @Test func appliesOnceThenIsANoOp() throws {
        try TestDatabase.withFresh(schema: .app) { database in
            let url = database.url.conninfoIncludingPassword
            let first = try Self.migrate(["DATABASE_URL": url])
            #expect(first.status == 0, "stderr: \(first.standardError)")
            #expect(first.standardOutput.contains("applied 0001_reconciler_schema.sql"))
            let second = try Self.migrate(["DATABASE_URL": url])
            #expect(second.status == 0)
            #expect(second.standardOutput.contains("up to date"))
            let connection = try database.connect()
            defer { connection.close() }
            let recorded = try connection.queryFirst("SELECT count(*)::bigint AS n FROM reconciler.schema_migration")
            #expect(try recorded?.decode("n", as: Int64.self) == Int64(Migration.embedded.count))
        }
    }

    @Test func readsTheURLFromAFile() throws {
        try TestDatabase.withFresh(schema: .app) { database in
            let file = FileManager.default.temporaryDirectory.appendingPathComponent(
                "database-url-\(UUID().uuidString)")
            try Data((database.url.conninfoIncludingPassword + "\n").utf8).write(to: file)
            defer { try? FileManager.default.removeItem(at: file) }
            let outcome = try Self.migrate(["DATABASE_URL_FILE": file.path])
            #expect(outcome.status == 0, "stderr: \(outcome.standardError)")
        }
    }

    @Test func aDatabaseWithoutTheAppTablesIsAConfigurationError() throws {
        try TestDatabase.withFresh(schema: .empty) { database in
            let outcome = try Self.migrate(["DATABASE_URL": database.url.conninfoIncludingPassword])
            #expect(outcome.status == 78)
            #expect(outcome.standardError.contains("point DATABASE_URL at the web app's database"))
        }
    }

    static let secret = "s3cr3t-hunter2-password"

    /// Each broken connection setting, the exit status it must give, and what the message must say.
    static let failures: [(String, Int32, String)] = [
        ("postgresql://postgres:\(secret)@127.0.0.1:1/postgres", 69, "connection refused"),
        ("postgresql://postgres:\(secret)@[::1/postgres", 78, "not a valid PostgreSQL URI"),
        ("", 78, "DATABASE_URL is set but empty"),
    ]

    @Test(arguments: failures)
    func connectionFailuresAreExplainedWithoutThePassword(url: String, status: Int32, fragment: String) throws {
        let outcome = try Self.migrate(["DATABASE_URL": url])
        #expect(outcome.status == status)
        #expect(outcome.standardError.contains(fragment), "stderr: \(outcome.standardError)")
        #expect(!outcome.standardError.contains(Self.secret))
        #expect(!outcome.standardOutput.contains(Self.secret))
    }

    @Test func wrongPasswordIsAConfigurationErrorWithoutThePassword() throws {
        let admin = try TestEnvironment.adminDatabaseURL()
        let wrong = admin.replacing(user: admin.user ?? "postgres", password: Self.secret)
        let outcome = try Self.migrate(["DATABASE_URL": wrong.conninfoIncludingPassword])
        #expect(outcome.status == 78)
        #expect(outcome.standardError.contains("rejected the login"), "stderr: \(outcome.standardError)")
        #expect(!outcome.standardError.contains(Self.secret))
    }

    @Test func missingDatabaseURLSaysHowToSetIt() throws {
        let outcome = try Self.migrate([:])
        #expect(outcome.status == 78)
        #expect(outcome.standardError.contains("DATABASE_URL_FILE"))
    }
}
