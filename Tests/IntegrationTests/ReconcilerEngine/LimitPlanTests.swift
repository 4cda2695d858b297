import Foundation
import LedgerStore
import Postgres
import ReconcilerCore
import ReconcilerEngine
import TestSupport
import Testing
import WireFormat

/// DESIGN §4.5–§4.6: a run over `policy.maxFixesPerRun` applies nothing, stores its repairs as a
/// plan and names the plan and its hash in its notification; the approved plan is applied in
/// full, its approval standing in for the limit.
@Suite struct LimitPlanTests {
    typealias World = ReconciliationWorldTests

    @Test func aRunOverItsLimitStoresAPlanThatIsAppliedOnceApproved() async throws {
        try await TestDatabase.withFresh(schema: .app) { database in
            let (simulator, _) = try await World.world(payments: 600, seed: 71, database: database)
            defer { simulator.stop() }
            let receiver = try RunOutputsTests.Receiver()
            defer { receiver.server.stop() }
            var policy = Configuration.Policy()
            policy.initialLookback = 40 * 86_400
            policy.maxFixesPerRun = 3
            let configuration = Configuration(
                catalog: World.catalog, policy: policy, notifyWebhookURL: receiver.url)
            let settings = ReconciliationEngine.Settings(
                configuration: configuration, storeId: SimulatorProcess.storeId, database: database.ledger)
            let engine = ReconciliationEngine(settings: settings, client: try simulator.client(), now: { World.clock })

            let failure = await #expect(throws: RunFailure.self) { _ = try await engine.run(RunRequest()) }
            let connection = try database.connect()
            defer { connection.close() }
            #expect(try RunCrashTests.fixCount(connection) == 0, "a run over its limit applies nothing")
            let row = try #require(
                try connection.queryFirst("SELECT id, hash, reason, status, repairs FROM reconciler.plan"))
            let planId: Int64 = try row.decode("id")
            let hash: String = try row.decode("hash")
            let repairs: Int32 = try row.decode("repairs")
            #expect(try row.decode("reason", as: String.self) == "limit")
            #expect(try row.decode("status", as: String.self) == "proposed")
            #expect(repairs > 3)
            #expect(
                failure?.description.contains("plan \(planId) (sha256 \(hash))") == true,
                "\(failure.map { "\($0)" } ?? "")")
            #expect(
                receiver.received.contains { $0.contains("plan \(planId)") && $0.contains(hash) },
                "\(receiver.received)")

            // Not approved: refused, nothing written.
            await #expect(throws: RunFailure.self) { _ = try await engine.applyPlan("\(planId)") }
            #expect(try RunCrashTests.fixCount(connection) == 0)

            _ = try PlanStore(connection: connection).approve(id: planId, by: "kim", note: "reviewed")

            // Rows edited after the plan was made no longer hash to it: refused before anything is written.
            try connection.execute(
                "UPDATE reconciler.plan_repair SET repair = jsonb_set(repair, '{credits}', '9999') WHERE plan_id = $1 AND seq = 0",
                [planId])
            let tampered = await #expect(throws: RunFailure.self) { _ = try await engine.applyPlan("\(planId)") }
            #expect(tampered?.description.contains("changed after the plan was made") == true)
            #expect(try RunCrashTests.fixCount(connection) == 0)
            let state: String = try connection.queryFirst(
                "SELECT status FROM reconciler.plan WHERE id = $1", [planId])!.decode("status")
            #expect(state == "approved")
            try connection.execute(
                """
                UPDATE reconciler.plan_repair SET repair = jsonb_set(repair, '{credits}', to_jsonb(credits))
                WHERE plan_id = $1 AND seq = 0
                """, [planId])
            let result = try await engine.applyPlan("\(planId)")
            #expect(result.plan.state == .applied)
            #expect(result.changed.isEmpty)
            #expect(result.applied.count == Int(repairs))
            #expect(try RunCrashTests.fixCount(connection) == Int(repairs))
            #expect(result.run?.totals.paymentsUnexplained == 0)
        }
    }
}
