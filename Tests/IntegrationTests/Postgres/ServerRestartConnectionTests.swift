import Foundation
import Postgres
import TestSupport
import Testing

/// Connections whose server went down and came back (a test's own `ThrowawayCluster`): every
/// statement on them must fail as `unavailable` (exit 69 for the commands), whatever way the
/// server went and whatever the session was doing.
@Suite(.serialized) struct ServerRestartConnectionTests {
    /// Found by `PostgresRestartTests`: after an immediate shutdown, a statement of some 10 KB or
    /// more (a run's batch of payment ids) got "server closed the connection unexpectedly" from
    /// libpq without a SQLSTATE and with the status still `CONNECTION_OK`, so the error was an
    /// ordinary server error and the run exited 1 instead of 69.
    @Test(arguments: ThrowawayCluster.Stop.allCases)
    func everyStatementOnAConnectionTheServerDroppedIsUnavailable(stop: ThrowawayCluster.Stop) async throws {
        let cluster = try await ThrowawayCluster.start()
        defer { cluster.stop() }
        let database = try TestDatabase.create(schema: .empty, on: cluster.adminURL)
        let ids = (0..<6).map { part in (0..<120).map { "payment-\(part)-\($0)" }.joined(separator: ",") }
        let batch = "SELECT length($1 || $2 || $3 || $4 || $5 || $6) AS n"
        let idle = try database.connect()
        let inTransaction = try database.connect()
        let small = try database.connect()
        let large = try database.connect()
        defer {
            for connection in [idle, inTransaction, small, large] { connection.close() }
        }
        try inTransaction.execute("BEGIN")
        try inTransaction.execute("SELECT 1")
        _ = try small.query("SELECT $1::text AS t", ["x"])
        _ = try large.query(batch, ids)

        try await cluster.restart(stop)

        let statements: [(String, Connection, () throws -> Void)] = [
            ("idle", idle, { _ = try idle.execute("SELECT 1") }),
            ("in a transaction", inTransaction, { _ = try inTransaction.execute("SELECT 2") }),
            ("small parameterized", small, { _ = try small.query("SELECT $1::text AS t", ["y"]) }),
            ("a 10 KB batch of ids", large, { _ = try large.query(batch, ids) }),
        ]
        for (label, connection, statement) in statements {
            for attempt in 1...2 {
                let error = #expect(throws: PostgresError.self, "\(label), attempt \(attempt)") { try statement() }
                #expect(error?.isUnavailable == true, "\(label), attempt \(attempt): \(String(describing: error))")
                #expect(
                    error?.message.contains(database.url.endpoint) == true, "\(label): \(String(describing: error))")
                #expect(error.map { !"\($0)".contains(cluster.password) } == true)
            }
            #expect(!connection.isConnected, "\(label)")
        }
        let fresh = try database.connect()
        defer { fresh.close() }
        #expect(try fresh.queryFirst("SELECT 1 AS one")?.decode("one", as: Int.self) == 1)
    }
}
