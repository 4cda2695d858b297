import Foundation
import LedgerStore
import Postgres

/// A uniquely named throwaway database on the test cluster, so tests run in parallel safely.
///
/// ```swift
/// try TestDatabase.withFresh(schema: .migrated) { database in
///     let connection = try database.connect()
///     ...
/// }
/// ```
public struct TestDatabase: Sendable {
    /// What a fresh database starts with.
    public enum Schema: Sendable {
        /// Nothing.
        case empty
        /// The web app's reference tables (`sql/app-reference/schema.sql`).
        case app
        /// The app's tables plus every reconciler migration.
        case migrated
    }

    /// The database's name (`cr_test_<random>`).
    public let name: String
    /// A URL for this database with the cluster's admin credentials.
    public let url: DatabaseURL
    /// The cluster admin URL it was created through.
    public let adminURL: DatabaseURL

    /// Creates a fresh database on the cluster `TEST_DATABASE_URL` names.
    public static func create(schema: Schema = .app) throws -> TestDatabase {
        try create(schema: schema, on: try TestEnvironment.adminDatabaseURL())
    }

    /// Creates a fresh database on the cluster whose admin URL is `adminURL` (a test's own
    /// `ThrowawayCluster`).
    public static func create(schema: Schema = .app, on adminURL: DatabaseURL) throws -> TestDatabase {
        let name = "cr_test_" + randomHex(bytes: 8)
        let admin = try Connection(
            url: adminURL, configuration: ConnectionConfiguration(applicationName: "credit-reconciler-tests"))
        defer { admin.close() }
        try admin.execute("CREATE DATABASE \(Connection.quoteIdentifier(name))")
        let database = TestDatabase(name: name, url: adminURL.replacing(database: name), adminURL: adminURL)
        do {
            if schema != .empty {
                let connection = try database.connect()
                defer { connection.close() }
                try AppReferenceSchema.apply(to: connection)
                if schema == .migrated { try LedgerSession(connection: connection).migrator.migrate() }
            }
        } catch {
            database.drop()
            throw error
        }
        return database
    }

    /// Creates a database, runs `body`, and drops the database whatever happens.
    public static func withFresh<T>(schema: Schema = .app, _ body: (TestDatabase) throws -> T) throws -> T {
        let database = try create(schema: schema)
        defer { database.drop() }
        return try body(database)
    }

    /// Async form of `withFresh(schema:_:)`.
    public static func withFresh<T>(schema: Schema = .app, _ body: (TestDatabase) async throws -> T) async throws -> T {
        let database = try create(schema: schema)
        defer { database.drop() }
        return try await body(database)
    }

    /// This database as the product opens it (the cluster admin's credentials).
    public var ledger: LedgerDatabase { LedgerDatabase(url: url) }

    /// Opens a ledger session on this database as the cluster admin.
    public func session(applicationName: String = "credit-reconciler-tests") throws -> LedgerSession {
        try ledger.open(applicationName: applicationName)
    }

    /// Opens a connection to this database as the cluster admin.
    public func connect(configuration: ConnectionConfiguration = ConnectionConfiguration()) throws -> Connection {
        try Connection(url: url, configuration: configuration)
    }

    /// Drops the database, ending any session still connected to it. Errors are ignored:
    /// a leftover database dies with the throwaway cluster.
    public func drop() {
        guard let admin = try? Connection(url: adminURL) else { return }
        defer { admin.close() }
        _ = try? admin.execute("DROP DATABASE IF EXISTS \(Connection.quoteIdentifier(name)) WITH (FORCE)")
    }

    static func randomHex(bytes: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<bytes).map { _ in
            let byte = UInt8.random(in: 0...255, using: &generator)
            let digits = Array("0123456789abcdef")
            return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0f)]])
        }.joined()
    }
}
