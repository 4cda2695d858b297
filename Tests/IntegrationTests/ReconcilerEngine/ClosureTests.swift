import Foundation
import LedgerStore
import Postgres
import ReconcilerCore
import ReconcilerEngine
import TestSupport
import Testing
import WireFormat

/// DESIGN §4.7: after its repairs a run accounts for every payment it decided. A world with every
/// kind of injected mistake closes with nothing unexplained; an engine whose repairs write one
/// credit short (the test-only defect hook) is caught as `UNEXPLAINED_DIFFERENCE`, one per
/// payment it repaired.
@Suite struct ClosureTests {
    typealias World = ReconciliationWorldTests

    static func engine(
        _ simulator: SimulatorProcess, _ database: TestDatabase,
        defect: (@Sendable (LedgerWrite) -> LedgerWrite)? = nil
    ) throws -> ReconciliationEngine {
        var settings = World.settings(database)
        settings.testingLedgerWriteDefect = defect
        return ReconciliationEngine(settings: settings, client: try simulator.client(), now: { World.clock })
    }

    static func openUnexplained(_ connection: Connection) throws -> Set<String> {
        Set(
            try connection.query(
                """
                SELECT payment_id FROM reconciler.discrepancy
                WHERE kind = 'UNEXPLAINED_DIFFERENCE' AND status = 'open' AND severity = 'critical'
                """
            ).map { try $0.decode("payment_id", as: String.self) })
    }

    @Test func everyDecidedPaymentIsClosedOrExplained() async throws {
        try await TestDatabase.withFresh(schema: .app) { database in
            let (simulator, _) = try await World.world(payments: 2000, seed: 61, database: database)
            defer { simulator.stop() }
            let engine = try Self.engine(simulator, database)
            let first = try await engine.run(RunRequest())
            #expect(first.totals.fixesApplied > 0)
            #expect(first.totals.paymentsUnexplained == 0)
            #expect(first.totals.paymentsClosedExactly > 0)
            #expect(first.totals.paymentsExplained > 0, "the injected discrepancies explain some payments")
            let connection = try database.connect()
            defer { connection.close() }
            #expect(try Self.openUnexplained(connection).isEmpty)

            // The next run (its window overlaps the first's end) finds nothing unexplained either.
            let second = try await engine.run(RunRequest())
            #expect(second.totals.paymentsUnexplained == 0)
            #expect(second.totals.paymentsClosedExactly > 0)

            // The report carries the counts in its totals and its reconciliation.
            let text: String = try connection.queryFirst(
                "SELECT report::text AS r FROM reconciler.run WHERE id = $1", [second.runId])!.decode("r")
            let report = try JSONValue.parse(Data(text.utf8))
            #expect(
                report["reconciliation"]["closure"]["closedExactly"].integerValue
                    == Int64(second.totals.paymentsClosedExactly))
            #expect(report["totals"]["paymentsUnexplained"].integerValue == 0)
        }
    }

    @Test func anEngineDefectIsCaughtAsUnexplainedDifference() async throws {
        try await TestDatabase.withFresh(schema: .app) { database in
            let (simulator, expected) = try await World.world(payments: 1000, seed: 67, database: database)
            defer { simulator.stop() }
            // The defect: every grant the engine writes is one credit short.
            let engine = try Self.engine(simulator, database) { write in
                var write = write
                if write.type == .purchase { write.amount -= 1 }
                return write
            }
            let run = try await engine.run(RunRequest())
            let granted = Set(try run.fixes(in: database.url).filter { $0.kind == .missedGrant }.map(\.paymentId))
            try #require(!granted.isEmpty, "the world must need grants (\(expected.mistakes.count) mistakes)")
            let connection = try database.connect()
            defer { connection.close() }
            let unexplained = try Self.openUnexplained(connection)
            // A grant whose payment was also refunded may end as a REFUND_SHORTFALL, which explains it.
            #expect(unexplained.isSubset(of: granted))
            #expect(unexplained.count >= granted.count * 9 / 10, "\(unexplained.count) of \(granted.count)")
            #expect(run.totals.paymentsUnexplained == unexplained.count)
            let detail: String = try connection.queryFirst(
                "SELECT detail FROM reconciler.discrepancy WHERE kind = 'UNEXPLAINED_DIFFERENCE' LIMIT 1")!.decode(
                    "detail")
            #expect(detail.contains("no open discrepancy says why"))
        }
    }
}
