import Foundation
import LedgerStore
import Postgres
import ReconcilerCore
import ReconcilerEngine
import TestSupport
import Testing

/// PostgreSQL going away under a running `credit-reconciler run` (its sessions terminated by
/// the server, as on a restart or failover): the run must exit 69 (unavailable) with a message
/// saying the database went away, move no checkpoint, and the rerun must reach exactly the end
/// state of one uninterrupted run over a copy of the same ledger.
@Suite(.serialized) struct DatabaseRestartTests {
    typealias Crash = RunCrashTests

    /// Where in the run the sessions are terminated.
    enum Phase: String, CaseIterable, Sendable {
        /// While it pages through PortOne (the simulator answers slowly).
        case scan
        /// After its first repairs are committed.
        case repairs
    }

    static func terminateRunSessions(_ connection: Connection) throws -> Int64 {
        try connection.queryFirst(
            """
            SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity
            WHERE datname = current_database() AND application_name = 'credit-reconciler'
            """)!.decode("n", as: Int64.self)
    }

    @Test(arguments: Phase.allCases)
    func aRunWhoseDatabaseGoesAwayExits69AndTheRerunCompletes(phase: Phase) async throws {
        try await ChaosWorld.withReferenceAndCopy(payments: 2500, seed: 51 + (phase == .scan ? 0 : 1)) {
            world, config, reference, restarted in
            try RunCommandTests.runUninterrupted(
                RunCommandTests.environment(world.simulator, reference, configFile: config))
            let a = try reference.connect()
            defer { a.close() }
            let expected = try LedgerEndState.read(a)

            let b = try restarted.connect(configuration: ConnectionConfiguration(applicationName: "restart-test"))
            defer { b.close() }
            let environment = RunCommandTests.environment(world.simulator, restarted, configFile: config)
            // Slow enough that the phase outlasts the watch on a loaded machine: the scan waits
            // on each page, the (batched) repairs on re-fetching each payment (up to 192 at once).
            try await world.simulator.setFaults(["latencyMs": phase == .scan ? 2000 : 500])
            let listed = try await Crash.listRequests(world.simulator)
            let simulatorPort = try #require(URLComponents(string: world.simulator.baseURL)?.port)
            let running = try ProductProcess.start("credit-reconciler", ["run"], environment: environment)
            let pid = running.pid
            // Watched and acted on from a thread of its own (ProgressWatch): a poll on the
            // concurrency pool, which the suite's other tests keep busy, can lose seconds.
            let terminated = try await ProgressWatch.act(
                "the run reaches its \(phase.rawValue)", watching: running.pid, database: restarted.url,
                when: { connection in
                    switch phase {
                    // Through the database (the simulator answers stats only between slow requests)
                    // and, for the scan, the run's own connection to PortOne (its first request is out).
                    case .scan:
                        try Crash.runningRuns(connection) == 1
                            && RunningProduct.establishedConnections(pid: pid, toPort: simulatorPort) > 0
                    case .repairs: try Crash.fixCount(connection) >= 1
                    }
                }, then: { try Self.terminateRunSessions($0) })
            #expect(terminated != nil, "the run ended before the database went away")
            #expect((terminated ?? 0) >= 1)
            let outcome = try running.waitForExit()
            try await world.simulator.setFaults([:])
            #expect(outcome.status == 69, "stderr: \(outcome.standardError)")
            #expect(
                outcome.standardError.lowercased().contains("database")
                    || outcome.standardError.contains("PostgreSQL"),
                "the message must say the database went away: \(outcome.standardError)")
            #expect(!outcome.standardError.contains(world.simulator.secret))
            #expect(
                try RunRecorder(connection: b).checkpoint(ReconciliationEngine.checkpointName) == nil,
                "the failed run must not move the checkpoint")
            if phase == .scan {
                #expect(try Crash.fixCount(b) == 0)
                #expect(try await Crash.listRequests(world.simulator) > listed, "the run must have begun its scan")
            }

            let rerun = try ProductProcess.run("credit-reconciler", ["run"], environment: environment)
            #expect(rerun.status == 0, "stderr: \(rerun.standardError)")
            let actual = try LedgerEndState.read(b)
            #expect(actual == expected, "\(actual.differences(from: expected))")
        }
    }
}
