import Foundation
import LedgerStore
import Postgres
import TestSupport
import Testing

/// The constraints of the reconciler's own tables, which keep repairs and findings unique.
@Suite("Reconciler schema")
struct ReconcilerSchemaTests {
    static func newRun(_ connection: Connection, status: String = "running") throws -> Int64 {
        try #require(
            try connection.queryFirst(
                """
                INSERT INTO reconciler.run (trigger, mode, host, pid, version, status, finished_at)
                VALUES ('timer', 'dry-run', 'h', 1, '0.1.0', $1, CASE WHEN $1 = 'running' THEN NULL ELSE now() END)
                RETURNING id
                """, [status])
        ).decode("id")
    }

    @Test("open discrepancies are deduplicated by kind and payment (else user); closed ones may repeat")
    func discrepancyDedup() throws {
        try TestDatabase.withFresh(schema: .migrated) { database in
            let connection = try database.connect()
            let run = try Self.newRun(connection)
            let upsert = """
                INSERT INTO reconciler.discrepancy (kind, severity, payment_id, user_id, expected, actual, first_seen_run_id, last_seen_run_id)
                VALUES ($1, 'critical', $2, $3, $4::jsonb, '{}'::jsonb, $5, $5)
                ON CONFLICT (kind, subject) WHERE status = 'open'
                DO UPDATE SET occurrences = reconciler.discrepancy.occurrences + 1, last_seen_run_id = EXCLUDED.last_seen_run_id
                RETURNING id, occurrences
                """
            let first = try #require(
                try connection.queryFirst(
                    upsert, ["AMOUNT_MISMATCH", "pay_1", "user_a", JSONParameter(rawJSON: "{}"), run]))
            let again = try #require(
                try connection.queryFirst(
                    upsert, ["AMOUNT_MISMATCH", "pay_1", "user_b", JSONParameter(rawJSON: "{}"), run]))
            #expect(try first.decode("id", as: Int64.self) == again.decode("id", as: Int64.self))
            #expect(try again.decode("occurrences", as: Int.self) == 2)
            let userLevel = try #require(
                try connection.queryFirst(
                    upsert, ["BALANCE_DRIFT", String?.none, "user_a", JSONParameter(rawJSON: "{}"), run]))
            let userAgain = try #require(
                try connection.queryFirst(
                    upsert, ["BALANCE_DRIFT", String?.none, "user_a", JSONParameter(rawJSON: "{}"), run]))
            #expect(try userLevel.decode("id", as: Int64.self) == userAgain.decode("id", as: Int64.self))
            try connection.execute(
                "UPDATE reconciler.discrepancy SET status = 'resolved', resolution_note = 'refunded by hand', resolved_by = 'ops', resolved_at = now() WHERE id = $1",
                [try first.decode("id", as: Int64.self)])
            let reopened = try #require(
                try connection.queryFirst(
                    upsert, ["AMOUNT_MISMATCH", "pay_1", "user_a", JSONParameter(rawJSON: "{}"), run]))
            #expect(try reopened.decode("occurrences", as: Int.self) == 1)
            let badSeverity = #expect(throws: PostgresError.self) {
                try connection.execute(
                    "INSERT INTO reconciler.discrepancy (kind, severity, first_seen_run_id, last_seen_run_id) VALUES ('X', 'fatal', $1, $1)",
                    [run])
            }
            #expect(badSeverity?.sqlState == "23514")
        }
    }

    @Test("the same repair cannot be recorded twice")
    func fixUnique() throws {
        try TestDatabase.withFresh(schema: .migrated) { database in
            let connection = try database.connect()
            let run = try Self.newRun(connection)
            let insert = """
                INSERT INTO reconciler.fix (run_id, kind, payment_id, cancellation_id, credits, credit_transaction_id, user_id, balance_before, balance_after)
                VALUES ($1, $2, $3, $4, 100, $5, 'user_a', 0, 100)
                """
            try connection.execute(insert, [run, "MISSED_GRANT", "pay_1", String?.none, "ct_1"])
            let grantTwice = #expect(throws: PostgresError.self) {
                try connection.execute(insert, [run, "MISSED_GRANT", "pay_1", String?.none, "ct_2"])
            }
            #expect(grantTwice?.isUniqueViolation == true)
            try connection.execute(insert, [run, "MISSED_REFUND", "pay_1", "cancel_1", "ct_3"])
            try connection.execute(insert, [run, "MISSED_REFUND", "pay_1", "cancel_2", "ct_4"])
            let refundTwice = #expect(throws: PostgresError.self) {
                try connection.execute(insert, [run, "MISSED_REFUND", "pay_1", "cancel_1", "ct_5"])
            }
            #expect(refundTwice?.isUniqueViolation == true)
            let sameLedgerRow = #expect(throws: PostgresError.self) {
                try connection.execute(insert, [run, "MISSED_REFUND", "pay_9", "cancel_9", "ct_1"])
            }
            #expect(sameLedgerRow?.isUniqueViolation == true)
        }
    }

    @Test("at most one run is running; statuses are checked")
    func oneRunning() throws {
        try TestDatabase.withFresh(schema: .migrated) { database in
            let connection = try database.connect()
            let running = try Self.newRun(connection)
            let second = #expect(throws: PostgresError.self) { try Self.newRun(connection) }
            #expect(second?.isUniqueViolation == true)
            try connection.execute(
                "UPDATE reconciler.run SET status = 'abandoned', finished_at = now(), error = 'process died' WHERE id = $1",
                [running])
            _ = try Self.newRun(connection)
            let badStatus = #expect(throws: PostgresError.self) { try Self.newRun(connection, status: "done") }
            #expect(badStatus?.sqlState == "23514")
        }
    }
}
