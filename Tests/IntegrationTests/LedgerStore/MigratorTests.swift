import Foundation
import LedgerStore
import Postgres
import ReconcilerCore
import TestSupport
import Testing

/// `migrate` on a database that already holds the web app's tables and rows.
@Suite("Migrator")
struct MigratorTests {
    static let createdAt = Date(timeIntervalSince1970: 1_795_532_400.123)

    /// A small ledger like production's: users, balances, purchases, usage, a refund.
    static func seedLedger(_ connection: Connection) throws {
        try AppSchema.insertUser(connection, id: "user_a", name: "김민수", balance: 70)
        try AppSchema.insertUser(connection, id: "user_b", balance: 330)
        let entries = [
            LedgerEntry(
                id: "ct_1", userId: "user_a", amount: 100, type: .purchase, paymentId: "pay_1", createdAt: createdAt),
            LedgerEntry(id: "ct_2", userId: "user_a", amount: -30, type: .usage, createdAt: createdAt),
            LedgerEntry(
                id: "ct_3", userId: "user_b", amount: 330, type: .purchase, paymentId: "pay_2", createdAt: createdAt),
            LedgerEntry(
                id: "ct_4", userId: "user_b", amount: -100, type: .refund, paymentId: "pay_2", createdAt: createdAt),
            LedgerEntry(id: "ct_5", userId: "user_b", amount: 100, type: .bonus, createdAt: createdAt),
        ]
        for entry in entries { try AppSchema.insert(entry, into: connection) }
    }

    static func appFingerprint(_ connection: Connection) throws -> String {
        let row = try #require(
            try connection.queryFirst(
                #"""
                SELECT (SELECT string_agg(t::text, ';' ORDER BY id) FROM "CreditTransaction" t) AS ledger,
                       (SELECT string_agg(c::text, ';' ORDER BY id) FROM "Credit" c) AS credits,
                       (SELECT string_agg(u::text, ';' ORDER BY id) FROM "User" u) AS users,
                       (SELECT string_agg(attname || ':' || format_type(atttypid, atttypmod), ',' ORDER BY attrelid, attnum)
                          FROM pg_attribute WHERE attrelid IN ('"User"'::regclass, '"Credit"'::regclass,
                               '"CreditTransaction"'::regclass, '"Subscription"'::regclass) AND attnum > 0) AS columns
                """#))
        return try ["ledger", "credits", "users", "columns"].map { try row.decode($0, as: String.self) }.joined(
            separator: "|")
    }

    static func schemaMigrations(_ connection: Connection) throws -> [String] {
        try connection.query(
            "SELECT version, name, checksum, applied_at FROM reconciler.schema_migration ORDER BY version"
        )
        .map { row in
            "\(try row.decode("version", as: Int.self)) \(try row.decode("name", as: String.self)) "
                + "\(try row.decode("checksum", as: String.self)) \(try row.decode("applied_at", as: String.self))"
        }
    }

    @Test("applies every migration to a database holding the app's rows, leaving the rows alone")
    func appliesToExistingApp() throws {
        try TestDatabase.withFresh(schema: .app) { database in
            let connection = try database.connect()
            try Self.seedLedger(connection)
            let before = try Self.appFingerprint(connection)
            let migrator = Migrator(connection: connection)
            #expect(try migrator.pendingMigrations().map(\.fileName) == Migration.embedded.map(\.fileName))

            let report = try migrator.migrate()
            #expect(report.applied.map(\.fileName) == Migration.embedded.map(\.fileName))
            #expect(report.alreadyApplied == 0)
            #expect(try Self.appFingerprint(connection) == before)
            #expect(try migrator.pendingMigrations().isEmpty)
            #expect(try migrator.status().isUpToDate)

            let recorded = try connection.query(
                "SELECT version, name, checksum FROM reconciler.schema_migration ORDER BY version")
            #expect(
                try recorded.map { try $0.decode("checksum", as: String.self) } == Migration.embedded.map(\.checksum))
            let tables = try connection.query(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'reconciler' ORDER BY table_name"
            ).map { try $0.decode("table_name", as: String.self) }
            #expect(
                tables == [
                    "checkpoint", "discrepancy", "fix", "follow_cursor", "plan", "plan_apply", "plan_repair",
                    "report_mail",
                    "run", "run_repair", "schema_migration",
                ])
            let indexes = try connection.query(
                #"SELECT indexname FROM pg_indexes WHERE tablename = 'CreditTransaction' ORDER BY indexname"#
            ).map { try $0.decode("indexname", as: String.self) }
            #expect(
                indexes == [
                    "CreditTransaction_paymentId_purchase_key", "CreditTransaction_pkey",
                    "reconciler_CreditTransaction_createdAt_idx", "reconciler_CreditTransaction_paymentId_idx",
                    "reconciler_CreditTransaction_userId_amount_idx",
                ])
        }
    }

    @Test("a second migrate is a no-op")
    func twiceIsOnce() throws {
        try TestDatabase.withFresh(schema: .app) { database in
            let connection = try database.connect()
            try Self.seedLedger(connection)
            try Migrator(connection: connection).migrate()
            let first = try Self.schemaMigrations(connection)
            let other = try database.connect()
            let report = try Migrator(connection: other).migrate()
            #expect(report.applied.isEmpty)
            #expect(report.alreadyApplied == Migration.embedded.count)
            #expect(try Self.schemaMigrations(connection) == first)
            #expect(first.count == Migration.embedded.count)
        }
    }

    @Test("an applied migration whose file changed is refused, naming the file and both checksums")
    func changedMigrationRefused() throws {
        try TestDatabase.withFresh(schema: .app) { database in
            let connection = try database.connect()
            try Migrator(connection: connection).migrate()
            var edited = Migration.embedded
            let original = edited[0]
            edited[0] = try Migration(fileName: original.fileName, sql: original.sql + "\n-- an edit\n")
            let error = #expect(throws: LedgerStoreError.self) {
                try Migrator(connection: connection, migrations: edited).migrate()
            }
            let text = error.map { "\($0)" } ?? ""
            #expect(text.contains(original.fileName))
            #expect(text.contains(original.checksum))
            #expect(text.contains(edited[0].checksum))
            #expect(try Migrator(connection: connection, migrations: edited).status().changed.count == 1)
        }
    }

    @Test("a new migration added later is applied alone")
    func laterMigration() throws {
        try TestDatabase.withFresh(schema: .app) { database in
            let connection = try database.connect()
            try Migrator(connection: connection).migrate()
            let extra = try Migration(
                fileName: "0099_test_extra.sql", sql: "CREATE TABLE reconciler.test_extra (id int);\n")
            let report = try Migrator(connection: connection, migrations: Migration.embedded + [extra]).migrate()
            #expect(report.applied == [extra])
            // An older build sees a migration it does not know and refuses.
            let error = #expect(throws: LedgerStoreError.self) { try Migrator(connection: connection).migrate() }
            #expect(error.map { "\($0)" }?.contains("0099_test_extra") == true)
        }
    }

    @Test("duplicate PURCHASE rows stop the index migration with DUPLICATE_GRANT, nothing half-applied")
    func duplicateGrants() throws {
        try TestDatabase.withFresh(schema: .app) { database in
            let connection = try database.connect()
            try Self.seedLedger(connection)
            try AppSchema.insert(
                LedgerEntry(
                    id: "ct_dup", userId: "user_a", amount: 100, type: .purchase, paymentId: "pay_1",
                    createdAt: Self.createdAt),
                into: connection)
            try AppSchema.insert(
                LedgerEntry(
                    id: "ct_dup2", userId: "user_a", amount: 100, type: .purchase, paymentId: "pay_1",
                    createdAt: Self.createdAt),
                into: connection)
            let before = try Self.appFingerprint(connection)
            let migrator = Migrator(connection: connection)
            let error = #expect(throws: LedgerStoreError.self) { try migrator.migrate() }
            let text = error.map { "\($0)" } ?? ""
            #expect(text.contains("0002_purchase_payment_unique.sql"))
            #expect(text.contains("DUPLICATE_GRANT"))
            #expect(text.contains("paymentId=pay_1 count=3 rows=[ct_1, ct_dup, ct_dup2] users=[user_a]"))
            #expect(text.contains("rerun credit-reconciler migrate"))
            #expect(!text.contains("23505"))
            #expect(try Self.appFingerprint(connection) == before)
            let applied = try connection.query("SELECT version FROM reconciler.schema_migration ORDER BY version")
                .map { try $0.decode("version", as: Int.self) }
            #expect(applied == [1])
            let index = try connection.queryFirst(
                #"SELECT count(*) AS n FROM pg_indexes WHERE indexname = 'CreditTransaction_paymentId_purchase_key'"#)
            #expect(try index?.decode("n", as: Int.self) == 0)

            // Ops correct the duplicates (here: turn the extra rows into adjustments), then rerun.
            try connection.execute(
                #"UPDATE "CreditTransaction" SET type = 'ADJUSTMENT', "paymentId" = NULL WHERE id IN ('ct_dup', 'ct_dup2')"#
            )
            let report = try migrator.migrate()
            #expect(report.applied.map(\.version) == Migration.embedded.map(\.version).filter { $0 >= 2 })
            let second = #expect(throws: PostgresError.self) {
                try AppSchema.insert(
                    LedgerEntry(
                        id: "ct_again", userId: "user_a", amount: 100, type: .purchase, paymentId: "pay_1",
                        createdAt: Self.createdAt),
                    into: connection)
            }
            #expect(second?.isUniqueViolation == true)
        }
    }

    @Test("a database without the app's tables is refused with a pointer to DATABASE_URL")
    func appTablesMissing() throws {
        try TestDatabase.withFresh(schema: .empty) { database in
            let connection = try database.connect()
            let error = #expect(throws: LedgerStoreError.self) { try Migrator(connection: connection).migrate() }
            let text = error.map { "\($0)" } ?? ""
            #expect(text.contains("this database has no \"User\" table: point DATABASE_URL at the web app's database"))
            #expect(text.contains(database.name))
            let schemas = try connection.queryFirst(
                "SELECT count(*) AS n FROM pg_namespace WHERE nspname = 'reconciler'")
            #expect(try schemas?.decode("n", as: Int.self) == 0)
        }
    }

    @Test("a database with some app tables but no CreditTransaction names that table")
    func creditTransactionMissing() throws {
        try TestDatabase.withFresh(schema: .app) { database in
            let connection = try database.connect()
            try connection.execute(#"DROP TABLE "CreditTransaction""#)
            let error = #expect(throws: LedgerStoreError.self) { try Migrator(connection: connection).migrate() }
            #expect(error.map { "\($0)" }?.contains("this database has no \"CreditTransaction\" table") == true)
        }
    }
}
