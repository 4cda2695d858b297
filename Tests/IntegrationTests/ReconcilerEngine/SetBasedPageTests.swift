import Foundation
import LedgerStore
import Logging
import Postgres
import ReconcilerCore
import ReconcilerEngine
import Synchronization
import TestSupport
import Testing

/// A scan page is read set-based: one statement sums every payment's ledger, the payments in
/// order are decided from the sums, and only the others' rows and accounts are read. A payment
/// in order by its sums still closes the open discrepancy that names it.
@Suite struct SetBasedPageTests {
    typealias World = ReconciliationWorldTests

    /// Collects the engine's log lines.
    final class Lines: Sendable {
        let lines = Mutex<[String]>([])
        func append(_ line: String) { lines.withLock { $0.append(line) } }
        var text: String { lines.withLock { $0.joined() } }
        /// The value of `field` on the last line with `message`.
        func last(_ message: String, _ field: String) -> Int? {
            let line = lines.withLock { $0.last { $0.contains(message) } }
            guard let line, let range = line.range(of: " \(field)=") else { return nil }
            return Int(line[range.upperBound...].prefix { $0.isNumber })
        }
    }

    @Test func aPaymentBackInOrderByItsSummaryClosesItsDiscrepancy() async throws {
        try await TestDatabase.withFresh(schema: .app) { database in
            let (simulator, _) = try await World.world(payments: 800, seed: 71, database: database)
            defer { simulator.stop() }
            let lines = Lines()
            var settings = World.settings(database)
            settings.pageSize = 200
            let engine = ReconciliationEngine(
                settings: settings, client: try simulator.client(), now: { World.clock },
                logger: Logger(style: Logger.Style(journald: false, timestamps: false), write: lines.append))
            let first = try await engine.run(RunRequest())
            let scanned = first.totals.paymentsScanned
            let bySummary = try #require(lines.last("scan done", "in_order_by_summary"))
            // Most of a world is in order: decided from the sums, without rows or accounts.
            #expect(bySummary > scanned / 2 && bySummary < scanned, "\(bySummary) of \(scanned)")

            // A granted payment the first run found in order; finance's tool then writes its
            // PURCHASE five credits too high.
            let connection = try database.connect()
            defer { connection.close() }
            let row = try #require(
                try connection.query(
                    """
                    SELECT t."paymentId" AS payment_id, t.amount FROM "CreditTransaction" t
                    WHERE t.type = 'PURCHASE' AND t."paymentId" IS NOT NULL
                      AND NOT EXISTS (SELECT 1 FROM reconciler.discrepancy d WHERE d.payment_id = t."paymentId")
                      AND NOT EXISTS (SELECT 1 FROM reconciler.fix f WHERE f.payment_id = t."paymentId")
                      AND NOT EXISTS (SELECT 1 FROM "CreditTransaction" r
                                      WHERE r."paymentId" = t."paymentId" AND r.type = 'REFUND')
                    ORDER BY t."paymentId" LIMIT 1
                    """
                ).first)
            let paymentId = try row.decode("payment_id", as: String.self)
            let amount = try row.decode("amount", as: Int64.self)
            func setPurchase(_ credits: Int64) throws {
                try connection.execute(
                    #"UPDATE "CreditTransaction" SET amount = $2 WHERE "paymentId" = $1 AND type = 'PURCHASE'"#,
                    [paymentId, credits])
            }
            func openMismatches() throws -> [Row] {
                try connection.query(
                    """
                    SELECT id, status, closed_run_id FROM reconciler.discrepancy
                    WHERE payment_id = $1 AND kind = 'CREDIT_MISMATCH'
                    """, [paymentId])
            }
            try setPurchase(amount + 5)
            let window = RunRequest(since: first.window?.from, until: first.window?.until)
            let second = try await engine.run(window)
            let opened = try openMismatches()
            #expect(opened.count == 1)
            #expect(try opened.first?.decode("status", as: String.self) == "open")

            // Corrected: the payment is in order again, decided from its sums, and the
            // discrepancy closes as no longer observed.
            try setPurchase(amount)
            let third = try await engine.run(window)
            #expect(third.totals.fixesApplied == 0)
            let closed = try #require(try openMismatches().first)
            #expect(try closed.decode("status", as: String.self) == "resolved")
            #expect(try closed.decode("closed_run_id", as: Int64.self) == third.runId)
            #expect(third.totals.discrepanciesClosed >= 1)
            #expect(second.runId < third.runId)
            let thirdBySummary = try #require(lines.last("scan done", "in_order_by_summary"))
            #expect(thirdBySummary >= bySummary, "the repaired payments are in order now")
        }
    }
}
