import Foundation
import LedgerStore
import Postgres
import ReconcilerCore
import TestSupport
import Testing

/// sql/roles/credit_reconciler_role.sql: what the runtime role may and may not do.
@Suite("Least-privilege role")
struct ReconcilerRoleTests {
    static func withRole(_ body: (Connection, TestDatabase) throws -> Void) throws {
        var role: TestRole?
        defer { role?.drop() }
        try TestDatabase.withFresh(schema: .migrated) { database in
            let admin = try database.connect()
            try AppSchema.insertUser(admin, id: "user_a", balance: 100)
            try AppSchema.insert(
                LedgerEntry(
                    id: "ct_1", userId: "user_a", amount: 100, type: .purchase, paymentId: "pay_1", createdAt: Date()),
                into: admin)
            role = try TestRole.create(in: database)
            let connection = try role!.connect()
            defer { connection.close() }
            try body(connection, database)
        }
    }

    @Test("can read, grant, adjust balances and record runs")
    func allowed() throws {
        try Self.withRole { connection, _ in
            #expect(try connection.query(#"SELECT id FROM "User""#).count == 1)
            try connection.transaction { (connection) throws(PostgresError) in
                // (No #require in a body that throws PostgresError: a missing row is recorded and ends it.)
                guard
                    let row = try connection.queryFirst(
                        #"SELECT balance FROM "Credit" WHERE "userId" = $1 FOR UPDATE"#, ["user_a"])
                else {
                    Issue.record("the Credit row of user_a is missing")
                    return
                }
                #expect(try row.decode("balance", as: Int64.self) == 100)
                try AppSchema.insert(
                    LedgerEntry(
                        id: "ct_fix", userId: "user_a", amount: 330, type: .purchase, paymentId: "pay_2",
                        createdAt: Date()),
                    into: connection)
                try connection.execute(
                    #"UPDATE "Credit" SET balance = balance + $1, "updatedAt" = $2 WHERE "userId" = $3"#,
                    [Int64(330), Date(), "user_a"])
                guard
                    let run = try connection.queryFirst(
                        """
                        INSERT INTO reconciler.run (trigger, mode, host, pid, version)
                        VALUES ('manual', 'apply', 'test-host', 1, '0.1.0') RETURNING id
                        """)
                else {
                    Issue.record("INSERT ... RETURNING id returned no row")
                    return
                }
                let runId: Int64 = try run.decode("id")
                try connection.execute(
                    """
                    INSERT INTO reconciler.fix (run_id, kind, payment_id, credits, credit_transaction_id, user_id,
                                                balance_before, balance_after)
                    VALUES ($1, 'MISSED_GRANT', 'pay_2', 330, 'ct_fix', 'user_a', 100, 430)
                    """, [runId])
                try connection.execute(
                    "UPDATE reconciler.run SET status = 'succeeded', finished_at = now() WHERE id = $1", [runId])
                try connection.execute(
                    "INSERT INTO reconciler.checkpoint (name, value, run_id) VALUES ('scan', now(), $1)", [runId])
            }
            #expect(
                try connection.queryFirst(#"SELECT balance FROM "Credit""#)?.decode("balance", as: Int64.self) == 430)
            #expect(try Migrator(connection: connection).status().isUpToDate)
            #expect(try connection.tryAdvisoryLock(LedgerLockKeys.run))
            // The repair queue: a run fills it, reads it, and empties it (its only DELETE).
            let runId: Int64 = try connection.queryFirst("SELECT max(id) AS id FROM reconciler.run")!.decode("id")
            let queue = RepairQueue(connection: connection, runId: runId)
            try queue.begin()
            try queue.append([.init(hasGrant: true, paymentId: "pay_2", userId: "user_a", unit: "{}")])
            try queue.attach([(paymentId: "pay_2", report: "{}")])
            #expect(try queue.read(after: nil, limit: 10).items.map(\.report) == ["{}"])
            #expect(try queue.fixes(afterFixId: 0, limit: 10).map(\.report) == ["{}"])
            try queue.end()
            #expect(try queue.read(after: nil, limit: 10).items.isEmpty)
        }
    }

    @Test(
        "gets permission denied on DELETE and on what it must not change",
        arguments: [
            #"DELETE FROM "CreditTransaction""#, #"DELETE FROM "Credit""#, #"DELETE FROM "User""#,
            "DELETE FROM reconciler.fix", "DELETE FROM reconciler.discrepancy", "DELETE FROM reconciler.run",
            "DELETE FROM reconciler.checkpoint", "DELETE FROM reconciler.schema_migration",
            #"TRUNCATE "CreditTransaction""#, "TRUNCATE reconciler.run",
            #"UPDATE "CreditTransaction" SET amount = 0"#, #"UPDATE "Credit" SET "userId" = 'x'"#,
            #"UPDATE "User" SET name = 'x'"#, #"INSERT INTO "User" (id, email) VALUES ('u', 'e')"#,
            #"SELECT * FROM "Subscription""#, #"DROP TABLE "CreditTransaction""#,
            "UPDATE reconciler.fix SET credits = 1",
            "INSERT INTO reconciler.schema_migration (version, name, checksum, reconciler_version) VALUES (99, 'x', 'y', 'z')",
            "UPDATE reconciler.schema_migration SET checksum = checksum",
        ])
    func denied(statement: String) throws {
        try Self.withRole { connection, _ in
            let error = #expect(throws: PostgresError.self) { try connection.execute(statement) }
            #expect(error?.sqlState == "42501", "\(statement): \(error.map { "\($0)" } ?? "no error")")
        }
    }

    @Test("a role set up before the repair queue existed may empty it once migrate adds it")
    func upgradeGrantsTheQueue() throws {
        var role: TestRole?
        defer { role?.drop() }
        try TestDatabase.withFresh(schema: .app) { database in
            let admin = try database.connect()
            defer { admin.close() }
            try AppSchema.insertUser(admin, id: "user_a", balance: 100)
            _ = try Migrator(connection: admin, migrations: Migration.embedded.filter { $0.version < 6 }).migrate()
            role = try TestRole.create(in: database)
            _ = try Migrator(connection: admin).migrate()
            let connection = try role!.connect()
            defer { connection.close() }
            let runId: Int64 = try connection.queryFirst(
                """
                INSERT INTO reconciler.run (trigger, mode, host, pid, version)
                VALUES ('manual', 'apply', 'test-host', 1, '0.1.0') RETURNING id
                """)!.decode("id")
            let queue = RepairQueue(connection: connection, runId: runId)
            try queue.begin()
            try queue.append([.init(hasGrant: true, paymentId: "pay_1", userId: "user_a", unit: "{}")])
            try queue.end()
            #expect(try queue.read(after: nil, limit: 10).items.isEmpty)
            // Still nothing else to delete.
            let error = #expect(throws: PostgresError.self) { try connection.execute("DELETE FROM reconciler.run") }
            #expect(error?.sqlState == "42501")
        }
    }

    @Test("migrate run as the runtime role fails with advice to use the tables' owner")
    func migrateAsRole() throws {
        try Self.withRole { connection, _ in
            let extra = try Migration(
                fileName: "0099_role_index.sql",
                sql: #"CREATE INDEX role_attempt ON "CreditTransaction" (amount);"# + "\n")
            let error = #expect(throws: LedgerStoreError.self) {
                try Migrator(connection: connection, migrations: Migration.embedded + [extra]).migrate()
            }
            #expect(error.map { "\($0)" }?.contains("run migrate as the owner of the web app's tables") == true)
        }
    }
}
