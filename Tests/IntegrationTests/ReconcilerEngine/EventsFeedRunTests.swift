import Foundation
import PortOne
import Postgres
import ReconcilerCore
import ReconcilerEngine
import TestSupport
import Testing
import WireFormat

/// Every run reads PortOne's journal of money movements over its window (ARCHITECTURE §5.4):
/// a second and a third partial cancellation that leave `statusChangedAt` where it was are
/// invisible to the status scan, found in the journal, and deducted. A journal that cannot be
/// read never fails a run: the run says so, and a later run recovers by itself.
@Suite struct EventsFeedRunTests {
    typealias World = ReconciliationWorldTests

    /// Two days after the world's clock: the second run's window starts a day before the first
    /// run's end (the overlap) and holds the quiet cancellations below.
    static let laterClock = World.clock.adding(nanoseconds: 2 * 86_400 * 1_000_000_000)
    static let nanosPerHour: Int64 = 3_600 * 1_000_000_000

    /// A payment the first run left granted and untouched, whose user can pay the deduction
    /// back (no shortfall), changed at PortOne by two more
    /// partial cancellations a day after the world's end whose `statusChangedAt` stays at the
    /// payment's old status change, as PortOne does not promise to move it. Returns its id,
    /// the credits granted for it and the credits the cancellations call for.
    static func cancelQuietly(
        _ simulator: SimulatorProcess, _ connection: Connection
    ) async throws -> (paymentId: String, granted: Int64, due: Int64) {
        let rows = try connection.query(
            """
            SELECT p."paymentId" AS id, p.amount AS credits FROM "CreditTransaction" p
            JOIN "Credit" c ON c."userId" = p."userId"
            WHERE p.type = 'PURCHASE' AND p."createdAt" < $1 AND c.balance >= p.amount
              AND NOT EXISTS (SELECT 1 FROM "CreditTransaction" r WHERE r."paymentId" = p."paymentId" AND r.type <> 'PURCHASE')
            ORDER BY p."paymentId" LIMIT 50
            """, [World.worldEnd.adding(nanoseconds: -10 * 24 * nanosPerHour).date])
        for row in rows {
            let id: String = try row.decode("id")
            var payment = try await simulator.control(.get, "/payments/\(id)")
            guard payment["status"] as? String == "PAID", var amount = payment["amount"] as? [String: Any],
                let total = amount["total"] as? Int, total >= 10_000
            else { continue }
            let credits: Int64 = try row.decode("credits")
            let part = total / 10
            func cancellation(_ number: Int, hours: Int64) -> [String: Any] {
                let at = RFC3339.format(World.worldEnd.adding(nanoseconds: (24 + hours) * nanosPerHour))
                return [
                    "status": "SUCCEEDED", "id": "quiet-\(number)-\(id)", "pgCancellationId": "Cquiet\(number)",
                    "totalAmount": part, "taxFreeAmount": 0, "vatAmount": 0, "reason": "고객 요청에 의한 환불",
                    "cancelledAt": at, "requestedAt": at, "trigger": "CONSOLE",
                ]
            }
            payment["status"] = "PARTIAL_CANCELLED"
            payment["cancellations"] = [cancellation(2, hours: 1), cancellation(3, hours: 2)]
            payment["cancelledAt"] = RFC3339.format(World.worldEnd.adding(nanoseconds: 26 * nanosPerHour))
            amount["cancelled"] = 2 * part
            payment["amount"] = amount
            // statusChangedAt is left as it was: before the next run's window.
            try await simulator.control(.post, "/_simulator/payments", ["payments": [payment]])
            let due = MoneyRules.expectedDeduction(
                credits: credits, cancelled: Int64(2 * part), total: Int64(total), rounding: .up)
            return (id, credits, due)
        }
        throw SimulatorStartFailure(message: "the world has no old granted PAID payment to cancel")
    }

    /// The credits the ledger deducted for `paymentId` (a positive number).
    static func deducted(_ paymentId: String, _ connection: Connection) throws -> Int64 {
        try connection.queryFirst(
            """
            SELECT coalesce(-sum(amount), 0)::bigint AS d FROM "CreditTransaction"
            WHERE "paymentId" = $1 AND type = 'REFUND'
            """, [paymentId])!.decode("d")
    }

    /// The run's stored report's `sources` member.
    static func sources(_ runId: Int64, _ connection: Connection) throws -> JSONValue {
        let text: String = try connection.queryFirst(
            "SELECT report::text AS r FROM reconciler.run WHERE id = $1", [runId])!.decode("r")
        return try JSONValue.parse(Data(text.utf8))["sources"]
    }

    @Test func quietPartialCancellationsAreFoundInTheJournalAndDeducted() async throws {
        try await TestDatabase.withFresh(schema: .app) { database in
            let (simulator, _) = try await World.world(payments: 400, seed: 41, database: database)
            defer { simulator.stop() }
            let connection = try database.connect()
            defer { connection.close() }
            let first = try await World.engine(simulator, database).run(RunRequest())
            #expect(first.outcome == .succeeded)
            #expect(first.totals.eventsRead > 0)
            #expect(try Self.sources(first.runId, connection)["eventsFeed"].stringValue == "read")

            let (paymentId, _, due) = try await Self.cancelQuietly(simulator, connection)
            #expect(due > 0)
            #expect(try Self.deducted(paymentId, connection) == 0)
            let second = try await World.engine(simulator, database, clock: { Self.laterClock }).run(RunRequest())
            #expect(second.outcome == .succeeded)
            #expect(second.totals.paymentsRevealedByEvents == 1, "only the journal shows the quiet cancellations")
            #expect(try Self.deducted(paymentId, connection) == due)
            let sources = try Self.sources(second.runId, connection)
            #expect(sources["eventsFeed"].stringValue == "read")
            #expect(sources["paymentsRevealedByEvents"].integerValue == 1)

            // Once only: the same window again deducts nothing more.
            let third = try await World.engine(simulator, database, clock: { Self.laterClock }).run(RunRequest())
            #expect(third.totals.fixesApplied == 0)
            #expect(try Self.deducted(paymentId, connection) == due)
        }
    }

    @Test func aRefundOfAPaymentPaidMonthsBeforeTheWindowIsDeducted() async throws {
        try await TestDatabase.withFresh(schema: .app) { database in
            let (simulator, _) = try await World.world(payments: 300, seed: 44, database: database)
            defer { simulator.stop() }
            let connection = try database.connect()
            defer { connection.close() }
            #expect(try await World.engine(simulator, database).run(RunRequest()).outcome == .succeeded)
            let (paymentId, _, due) = try await Self.cancelQuietly(simulator, connection)
            // The payment was paid four months before the window; its status time stays there too.
            var payment = try await simulator.control(.get, "/payments/\(paymentId)")
            let months = RFC3339.format(World.worldEnd.adding(nanoseconds: -120 * 24 * Self.nanosPerHour))
            for key in ["paidAt", "requestedAt", "statusChangedAt", "updatedAt", "createdAt"] where payment[key] != nil
            {
                payment[key] = months
            }
            try await simulator.control(.post, "/_simulator/payments", ["payments": [payment]])
            let run = try await World.engine(simulator, database, clock: { Self.laterClock }).run(RunRequest())
            #expect(run.outcome == .succeeded)
            #expect(run.totals.paymentsRevealedByEvents == 1)
            #expect(try Self.deducted(paymentId, connection) == due)
        }
    }

    @Test(
        "a journal that answers 404, 403 or an unreadable shape leaves the run to the status scan, says so, and recovers",
        arguments: [404, 403, 200])
    func unavailableJournal(status: Int) async throws {
        try await TestDatabase.withFresh(schema: .app) { database in
            let (simulator, expected) = try await World.world(payments: 400, seed: 42, database: database)
            defer { simulator.stop() }
            let connection = try database.connect()
            defer { connection.close() }
            try await simulator.setFaults(["eventsFeedStatus": status])
            let first = try await World.engine(simulator, database).run(RunRequest())
            #expect(first.outcome == .succeeded, "an unreadable journal never fails a run")
            // The status scan alone repairs the window: every planted missed grant and refund.
            let repaired = Set(try first.fixes(in: database.url).map { "\($0.kind.rawValue) \($0.paymentId)" })
            let shortfalls = Set(
                try connection.query(
                    "SELECT payment_id FROM reconciler.discrepancy WHERE kind = 'REFUND_SHORTFALL' AND status = 'open'"
                ).map { try $0.decode("payment_id", as: String.self) })
            let missed = expected.mistakes.filter { $0.kind == "MISSED_GRANT" || $0.kind == "MISSED_REFUND" }
            #expect(!missed.isEmpty)
            for mistake in missed {
                let key = "\(mistake.kind) \(mistake.paymentId ?? "")"
                #expect(
                    repaired.contains(key) || shortfalls.contains(mistake.paymentId ?? ""), "\(key) was not repaired")
            }
            let sources = try Self.sources(first.runId, connection)
            #expect(sources["eventsFeed"].stringValue == "unavailable")
            let reason = sources["eventsFeedReason"].stringValue ?? ""
            #expect(!reason.isEmpty)
            #expect(!reason.contains(simulator.secret), "no secret in the reason")

            // Refunds only the journal shows are not seen while it is unavailable...
            let (paymentId, _, due) = try await Self.cancelQuietly(simulator, connection)
            let blind = try await World.engine(simulator, database, clock: { Self.laterClock }).run(RunRequest())
            #expect(blind.outcome == .succeeded)
            #expect(try Self.deducted(paymentId, connection) == 0)
            // ...and are deducted by the next run once it answers again.
            try await simulator.setFaults([:])
            let recovered = try await World.engine(
                simulator, database,
                clock: {
                    Self.laterClock.adding(nanoseconds: 3_600_000_000_000)
                }
            ).run(RunRequest())
            #expect(recovered.outcome == .succeeded)
            let recoveredSources = try Self.sources(recovered.runId, connection)
            #expect(
                try Self.deducted(paymentId, connection) == due,
                "\(recovered.totals.eventsRead) events, \(recovered.totals.paymentsRevealedByEvents) revealed, window \(String(describing: recovered.window)), \(recoveredSources)"
            )
            #expect(try Self.sources(recovered.runId, connection)["eventsFeed"].stringValue == "read")
        }
    }
}
