import Foundation
import LedgerStore
import Postgres
import ReconcilerCore
import ReconcilerEngine
import TestSupport
import Testing
import WireFormat

#if canImport(Glibc)
    import Glibc
#endif

/// The PostgreSQL server itself dies under a running `credit-reconciler run` (its postmaster
/// killed with SIGKILL, or stopped in immediate mode) and comes back on the same data folder and
/// port: the run must exit 69 (unavailable) naming the database and nothing secret, move no
/// checkpoint, and a rerun must reach exactly the end state of one uninterrupted run over a copy
/// of the same ledger.
///
/// Each case starts a cluster of its own (`ThrowawayCluster`): the suite's shared cluster serves
/// other tests in parallel and must never go down.
@Suite(.serialized) struct PostgresRestartTests {
    typealias Crash = RunCrashTests
    typealias Phase = DatabaseRestartTests.Phase

    @Test(arguments: Phase.allCases, ThrowawayCluster.Stop.allCases)
    func aRunWhoseServerRestartsExits69AndTheRerunCompletes(phase: Phase, stop: ThrowawayCluster.Stop) async throws {
        let end = RFC3339.Timestamp(Date().addingTimeInterval(-3600))
        let world = try await ChaosWorld.generate(
            payments: 2000, seed: 71 + (phase == .scan ? 0 : 1), end: end, extra: ["--lost-grant-rate", "1"])
        defer { world.close() }
        let config = try RunCommandTests.configFile()
        defer { try? FileManager.default.removeItem(at: config) }
        let cluster = try await ThrowawayCluster.start()
        defer { cluster.stop() }
        try await TestDatabase.withFresh(schema: .app) { reference in
            // Dropped with the cluster.
            let restarted = try TestDatabase.create(schema: .app, on: cluster.adminURL)
            try world.load(into: reference)
            try world.load(into: restarted)
            try RunCommandTests.runUninterrupted(
                RunCommandTests.environment(world.simulator, reference, configFile: config))
            let a = try reference.connect()
            defer { a.close() }
            let expected = try LedgerEndState.read(a)

            let environment = RunCommandTests.environment(world.simulator, restarted, configFile: config)
            // Slow enough that the phase outlasts the poll on a loaded machine: the scan waits on
            // each page, the (batched) repairs on re-fetching each payment.
            try await world.simulator.setFaults(["latencyMs": phase == .scan ? 2000 : 50])
            let listed = try await Crash.listRequests(world.simulator)
            let simulatorPort = try #require(URLComponents(string: world.simulator.baseURL)?.port)
            let running = try ProductProcess.start("credit-reconciler", ["run"], environment: environment)
            let pid = running.pid
            // Watched, and the server signalled, from a thread of its own (ProgressWatch): a poll on
            // the busy concurrency pool can lose seconds, and the phase would be over meanwhile.
            let postmaster = try #require(cluster.pid)
            let signal = stop.signal
            let fixesBefore = try await ProgressWatch.act(
                "the run reaches its \(phase.rawValue)", watching: running.pid, database: restarted.url,
                when: { connection in
                    switch phase {
                    // The run's row appears before its first request to PortOne; a server killed in
                    // between ends the run before it scans, which is not this case.
                    case .scan:
                        return try Crash.runningRuns(connection) == 1
                            && RunningProduct.establishedConnections(pid: pid, toPort: simulatorPort) > 0
                    case .repairs: return try Crash.fixCount(connection) >= 1
                    }
                },
                then: { connection in
                    let fixes = try Crash.fixCount(connection)
                    kill(postmaster, signal)
                    return fixes
                })
            #expect(fixesBefore != nil, "the run ended before the server went down")
            try await cluster.startAgain()
            let outcome = try running.waitForExit()
            try await world.simulator.setFaults([:])
            #expect(outcome.status == 69, "stderr: \(outcome.standardError)")
            #expect(
                outcome.standardError.contains("127.0.0.1:\(cluster.port)"),
                "the message must name the database: \(outcome.standardError)")
            for output in [outcome.standardOutput, outcome.standardError] {
                #expect(!output.contains(world.simulator.secret))
                #expect(!output.contains(cluster.password))
            }
            print("postgres restart test (\(phase.rawValue), \(stop.rawValue)): \(outcome.standardError)")

            let b = try restarted.connect(configuration: ConnectionConfiguration(applicationName: "restart-test"))
            defer { b.close() }
            #expect(
                try RunRecorder(connection: b).checkpoint(ReconciliationEngine.checkpointName) == nil,
                "the failed run must not move the checkpoint")
            let fixesAfter = try Crash.fixCount(b)
            #expect(fixesAfter >= fixesBefore ?? 0, "committed repairs must survive the restart")
            if phase == .scan {
                #expect(fixesAfter == 0)
                #expect(try await Crash.listRequests(world.simulator) > listed, "the run must have begun its scan")
            }

            let rerun = try ProductProcess.run("credit-reconciler", ["run"], environment: environment)
            #expect(rerun.status == 0, "stderr: \(rerun.standardError)")
            let statuses = try b.query("SELECT status FROM reconciler.run ORDER BY id").map {
                try $0.decode("status", as: String.self)
            }
            #expect(
                statuses == ["abandoned", "succeeded"],
                "the interrupted run is recorded abandoned by the rerun: \(statuses)")
            let actual = try LedgerEndState.read(b)
            #expect(actual.paymentsGrantedTwice.isEmpty)
            #expect(actual == expected, "\(actual.differences(from: expected))")
            #expect(try Crash.openDiscrepancies(b) == Crash.openDiscrepancies(a))
        }
    }
}
