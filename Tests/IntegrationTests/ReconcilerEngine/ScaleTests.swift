import Foundation
import LedgerStore
import Postgres
import ReconcilerCore
import ReconcilerEngine
import TestSupport
import Testing

/// One run over a large generated world (ledger loaded by COPY): it repairs exactly the
/// injected missed grants and refunds, opens every planted discrepancy, and a second run over
/// the same window repairs nothing. Prints (never asserts) how fast and how big it was.
///
/// Size: env `RECONCILER_SCALE_PAYMENTS` (default 100,000; about a minute in a debug build on two
/// cores; set it lower for a quick check).
@Suite(.serialized) struct ScaleTests {
    typealias World = ReconciliationWorldTests

    static let payments = Int(ProcessInfo.processInfo.environment["RECONCILER_SCALE_PAYMENTS"] ?? "") ?? 100_000

    @Test func aLargeWorldIsRepairedExactlyOnceAndASecondRunRepairsNothing() async throws {
        let clock = ContinuousClock()
        var started = clock.now
        let world = try await ChaosWorld.generate(payments: Self.payments, seed: 71, end: World.worldEnd)
        defer { world.close() }
        let generated = clock.now - started
        try await TestDatabase.withFresh(schema: .app) { database in
            started = clock.now
            try world.load(into: database)
            let loaded = clock.now - started
            var policy = Configuration.Policy()
            policy.initialLookback = 40 * 86_400
            policy.maxFixesPerRun = 1_000_000
            let settings = ReconciliationEngine.Settings(
                configuration: Configuration(catalog: World.catalog, policy: policy), storeId: SimulatorProcess.storeId,
                database: database.ledger)
            let engine = ReconciliationEngine(
                settings: settings, client: try world.simulator.client(), now: { World.clock })

            started = clock.now
            let first = try await engine.run(RunRequest())
            let elapsed = clock.now - started

            let connection = try database.connect()
            defer { connection.close() }
            try Self.verifyRepairs(first, world: world, connection)
            try Self.verifyDiscrepancies(world: world, connection)
            let drifted = Set(world.mistakes("BALANCE_DRIFT").compactMap(\.userId))
            #expect(try LedgerEndState.read(connection).driftedUsers == drifted)

            let second = try await engine.run(RunRequest(since: first.window?.from, until: first.window?.until))
            #expect((try second.fixes(in: database.url)).isEmpty)
            #expect(second.totals.discrepanciesNew == 0)

            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            let totals = first.totals
            print(
                """
                scale: \(Self.payments) payments generated in \(generated), ledger loaded by COPY in \(loaded)
                scale: first run \(elapsed): \(totals.paymentsScanned) payments scanned \
                (\(Int(Double(totals.paymentsScanned) / max(seconds, 0.001))) payments/s), \
                \(totals.ledgerRowsScanned) ledger rows read, \(totals.fixesApplied) repairs \
                (+\(totals.creditsGranted) −\(totals.creditsDeducted) credits), \(totals.discrepanciesNew) discrepancies opened
                scale: \(totals.sqlStatements) SQL statements, API requests \(totals.apiRequests.sorted { $0.key < $1.key })
                scale: peak RSS (VmHWM) of the test process \(ProcessMemory.kibibytes("VmHWM") / 1024) MiB
                """)
        }
    }

    /// Per payment and kind, the credits written plus what could not be collected equal what the
    /// generator says went missing, and nothing else was repaired.
    static func verifyRepairs(_ result: RunResult, world: ChaosWorld, _ connection: Connection) throws {
        var applied: [String: Int64] = [:]
        for fix in (try result.fixes(on: connection)) {
            applied["\(fix.kind.rawValue) \(fix.paymentId)", default: 0] += fix.credits
        }
        var uncollected: [String: Int64] = [:]
        for row in try connection.query(
            """
            SELECT payment_id, (actual->>'uncollected')::bigint AS uncollected FROM reconciler.discrepancy
            WHERE kind = 'REFUND_SHORTFALL' AND status = 'open'
            """)
        {
            uncollected[try row.decode("payment_id")] = try row.decode("uncollected")
        }
        // The generator owes a refund the package's credits; the reconciler never takes back
        // more for a payment than the ledger granted for it, so after a wrong (smaller) grant
        // it deducts at most what was granted and the rest stays with the CREDIT_MISMATCH.
        var wronglyGranted: [String: Int64] = [:]
        for mistake in world.mistakes("CREDIT_MISMATCH") {
            if let paymentId = mistake.paymentId, let credits = mistake.credits { wronglyGranted[paymentId] = credits }
        }
        var missing: [String: Int64] = [:]
        for mistake in world.mistakes("MISSED_GRANT") + world.mistakes("MISSED_REFUND") {
            let paymentId = mistake.paymentId ?? ""
            var credits = mistake.credits ?? 0
            if mistake.kind == "MISSED_REFUND", let granted = wronglyGranted[paymentId] {
                credits = min(credits, granted)
            }
            missing["\(mistake.kind) \(paymentId)", default: 0] += credits
        }
        #expect(!missing.isEmpty)
        var wrong: [String] = []
        for (key, credits) in missing {
            let paymentId = String(key.split(separator: " ")[1])
            let owedElsewhere = key.hasPrefix("MISSED_REFUND") ? (uncollected[paymentId] ?? 0) : 0
            if applied[key, default: 0] + owedElsewhere != credits {
                wrong.append("\(key): repaired \(applied[key, default: 0]) + uncollected \(owedElsewhere) ≠ \(credits)")
            }
        }
        for key in applied.keys where missing[key] == nil {
            wrong.append("repair not in the generator's list: \(key) \(applied[key] ?? 0)")
        }
        #expect(wrong.isEmpty, "\(wrong.count) wrong repairs, e.g. \(wrong.prefix(10))")
        #expect(result.totals.fixesApplied == (try result.fixes(on: connection)).count)
    }

    /// Each injected discrepancy is open, by payment or by user.
    static func verifyDiscrepancies(world: ChaosWorld, _ connection: Connection) throws {
        let open = Set(
            try connection.query(
                "SELECT kind || ' ' || coalesce(payment_id, user_id, '') AS k FROM reconciler.discrepancy WHERE status = 'open'"
            ).map { try $0.decode("k", as: String.self) })
        let planted = world.expected.mistakes.filter { !["MISSED_GRANT", "MISSED_REFUND"].contains($0.kind) }
        #expect(!planted.isEmpty)
        let missing = planted.map { "\($0.kind) \($0.paymentId ?? $0.userId ?? "")" }.filter { !open.contains($0) }
        #expect(missing.isEmpty, "\(missing.count) planted discrepancies not opened, e.g. \(missing.prefix(10))")
    }
}
