import LedgerStore
import ReconcilerCore
import ReconcilerEngine
import Synchronization
import TestSupport
import Testing

/// A stop request made in process through ``RunControl`` (what the signal watcher does on
/// SIGTERM, without a signal): the repair transaction in progress commits, the run is recorded
/// `aborted`, the checkpoint stays, and the next run finishes the work without doubling any of it.
@Suite struct RunControlStopTests {
    typealias World = ReconciliationWorldTests

    @Test func aStopDuringTheRepairsEndsAfterTheBatchInProgressAndTheNextRunFinishes() async throws {
        try await TestDatabase.withFresh(schema: .app) { database in
            let (simulator, _) = try await World.world(payments: 600, seed: 31, database: database)
            defer { simulator.stop() }
            var policy = Configuration.Policy()
            policy.initialLookback = 40 * 86_400
            var settings = ReconciliationEngine.Settings(
                configuration: Configuration(catalog: World.catalog, policy: policy), storeId: SimulatorProcess.storeId,
                database: database.ledger)
            settings.pageSize = 500
            settings.repairBatchSize = 5
            settings.refetchDepth = 1
            let engine = ReconciliationEngine(settings: settings, client: try simulator.client(), now: { World.clock })

            let control = StopAtFirstRepair().control
            let stopped = try await engine.run(RunRequest(), control: control)
            #expect(stopped.outcome == .aborted)
            #expect(control.isStopRequested)
            let firstFixes = try stopped.fixes(in: database.url)
            #expect((1...5).contains(firstFixes.count), "one batch of 5 commits whole, then the run stops")
            #expect(stopped.totals.fixesApplied == firstFixes.count)

            let session = try database.session()
            defer { session.close() }
            #expect(try session.recorder.run(id: stopped.runId)?.status == .aborted)
            #expect(try session.recorder.checkpoint(ReconciliationEngine.checkpointName) == nil)

            let finished = try await engine.run(RunRequest())
            #expect(finished.outcome == .succeeded)
            let secondFixes = try finished.fixes(in: database.url)
            #expect(!secondFixes.isEmpty, "the stopped run left repairs for the next one")
            let all = firstFixes + secondFixes
            let keys = all.map { "\($0.kind.rawValue) \($0.paymentId) \($0.cancellationId ?? "")" }
            #expect(Set(keys).count == keys.count, "no repair is written twice")

            let again = try await engine.run(RunRequest())
            #expect(again.outcome == .succeeded)
            #expect(again.totals.fixesApplied == 0)
        }
    }
}

/// A run control that asks its run to stop when the first repair batch has been written.
final class StopAtFirstRepair: Sendable {
    private let installed = Mutex<RunControl?>(nil)

    /// The control to run with.
    var control: RunControl {
        let control = RunControl { [self] progress in
            guard progress.phase == .repairing else { return }
            installed.withLock { $0 }?.requestStop()
        }
        installed.withLock { $0 = control }
        return control
    }
}
