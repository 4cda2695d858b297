import Foundation
import LedgerStore
import Postgres
import TestSupport
import Testing

/// `credit-reconciler run` stopped the way systemd stops the timer's service: SIGTERM in the
/// middle of the repairs finishes the repair in progress, records the run aborted, exits 0.
@Suite(.serialized) struct RunCommandSignalTests {
    typealias World = ReconciliationWorldTests

    @Test func sigtermDuringTheRepairsRecordsTheRunAbortedAndExitsZero() async throws {
        try await TestDatabase.withFresh(schema: .app) { database in
            let (simulator, expected) = try await World.world(
                payments: 800, seed: 47, database: database, end: .init(Date().addingTimeInterval(-3600)),
                extra: ["--lost-grant-rate", "0.3"])
            defer { simulator.stop() }
            let config = try RunCommandTests.configFile()
            defer { try? FileManager.default.removeItem(at: config) }
            // Slow re-fetches keep the run in its (batched) repairs for seconds, so the signal lands
            // there even on a loaded machine: the repairs re-fetch up to six batches ahead, and at
            // 400 ms a loaded CI machine once saw the last batch written before the signal.
            try await simulator.setFaults(["latencyMs": 1_500])
            let run = try BackgroundProduct(
                "credit-reconciler", ["run", "--trigger", "timer"],
                environment: RunCommandTests.environment(simulator, database, configFile: config))
            let connection = try database.connect()
            defer { connection.close() }
            // The condition: the first repair is committed (checked every 20 ms, at most a minute).
            let deadline = Date().addingTimeInterval(60)
            var fixes: Int64 = 0
            while fixes == 0, run.process.isRunning, Date() < deadline {
                fixes = try connection.queryFirst("SELECT count(*) AS n FROM reconciler.fix")!.decode("n")
                if fixes == 0 { try await Task.sleep(for: .milliseconds(20)) }
            }
            #expect(fixes > 0, "\(run.standardError)")
            run.send(SIGTERM)
            #expect(run.waitForExit(seconds: 60) == 0, "\(run.standardError)")
            #expect(run.standardError.contains("SIGTERM: stopping after the repair in progress"))

            let runs = try RunRecorder(connection: connection).runs(limit: 5)
            #expect(runs.map(\.status) == [.aborted])
            #expect(runs.first?.error?.contains("stopped on request") == true)
            #expect(try RunRecorder(connection: connection).checkpoint("payments") == nil)
            let missed = expected.mistakes.filter { ["MISSED_GRANT", "MISSED_REFUND"].contains($0.kind) }
            let written: Int64 = try connection.queryFirst("SELECT count(*) AS n FROM reconciler.fix")!.decode("n")
            #expect(written < Int64(missed.count))
            let drifted = Set(expected.mistakes.filter { $0.kind == "BALANCE_DRIFT" }.compactMap(\.userId))
            #expect(try DaemonCommandTests.driftedUsers(connection) == drifted)
        }
    }

    @Test func sigtermWhilePortOneKeepsFailingEndsTheRetriesAndRecordsTheRunAborted() async throws {
        try await TestDatabase.withFresh(schema: .app) { database in
            let (simulator, _) = try await World.world(
                payments: 50, seed: 53, database: database, end: .init(Date().addingTimeInterval(-3600)))
            defer { simulator.stop() }
            let config = try RunCommandTests.configFile()
            defer { try? FileManager.default.removeItem(at: config) }
            // Every request fails with a 5xx after 2 s: the client retries with backoff, 8 attempts
            // per request, so the run keeps retrying for at least 16 s (without the latency, full
            // jitter could end a slice's attempts in a few seconds, before a starved poll sees them).
            try await simulator.setFaults(["serverErrorEvery": 1, "latencyMs": 2000])
            let run = try BackgroundProduct(
                "credit-reconciler", ["run"],
                environment: RunCommandTests.environment(simulator, database, configFile: config))
            let connection = try database.connect()
            defer { connection.close() }
            let deadline = Date().addingTimeInterval(60)
            var started = false
            while !started, run.process.isRunning, Date() < deadline {
                started =
                    try RunRecorder(connection: connection).latestRun(status: .running) != nil
                    && run.standardError.contains("retrying in")
                if !started { try await Task.sleep(for: .milliseconds(20)) }
            }
            #expect(started, "\(run.standardError)")
            run.send(SIGTERM)
            #expect(run.waitForExit(seconds: 60) == 0, "\(run.standardError)")
            let runs = try RunRecorder(connection: connection).runs(limit: 5)
            #expect(runs.map(\.status) == [.aborted], "\(run.standardError)")
            #expect(try RunRecorder(connection: connection).checkpoint("payments") == nil)
        }
    }
}
