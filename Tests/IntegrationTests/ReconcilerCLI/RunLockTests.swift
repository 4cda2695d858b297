import Foundation
import LedgerStore
import Postgres
import ReconcilerCore
import TestSupport
import Testing
import WireFormat

/// ARCHITECTURE §5.5 "one run at a time": two `credit-reconciler run` processes started together
/// against one database. The PostgreSQL advisory lock lets exactly one work; the other exits
/// 75 (EX_TEMPFAIL) at once, naming the run and the session that hold the lock.
@Suite struct RunLockTests {
    @Test func twoRunsStartedTogetherOneWorksTheOtherExitsSeventyFive() async throws {
        // Every PortOne request takes 100 ms, so the winner holds the lock for seconds while
        // the loser starts.
        let world = try await ChaosWorld.generate(
            payments: 400, seed: 61, end: RFC3339.Timestamp(Date().addingTimeInterval(-3600)),
            extra: ["--latency-ms", "100"])
        defer { world.close() }
        let config = try RunCommandTests.configFile()
        defer { try? FileManager.default.removeItem(at: config) }
        try TestDatabase.withFresh(schema: .app) { database in
            try world.load(into: database)
            let environment = RunCommandTests.environment(world.simulator, database, configFile: config)
            let first = try ProductProcess.start("credit-reconciler", ["run"], environment: environment)
            let second = try ProductProcess.start("credit-reconciler", ["run"], environment: environment)
            let outcomes = [(first.pid, try first.waitForExit()), (second.pid, try second.waitForExit())]

            #expect(outcomes.map(\.1.status).sorted() == [0, 75], "\(outcomes.map(\.1))")
            guard let (winnerPid, winner) = outcomes.first(where: { $0.1.status == 0 }),
                let (_, loser) = outcomes.first(where: { $0.1.status == 75 })
            else { return }
            #expect(winner.standardOutput.contains("succeeded"))

            let connection = try database.connect()
            defer { connection.close() }
            let runs = try RunRecorder(connection: connection).runs(limit: 10)
            #expect(runs.count == 1, "the loser must not record a run")
            let run = try #require(runs.first)
            #expect(run.status == .succeeded)
            #expect(run.pid == winnerPid)

            let message = loser.standardError
            #expect(message.contains("another credit-reconciler run holds the run lock"), "stderr: \(message)")
            #expect(message.contains(#"application "credit-reconciler""#), "stderr: \(message)")
            // The winner inserts its run row just after taking the lock; once it is there, the
            // loser names it.
            if message.contains(": run ") {
                #expect(message.contains("run \(run.id) (manual, apply)"), "stderr: \(message)")
                #expect(message.contains("pid \(winnerPid)"), "stderr: \(message)")
            }
            #expect(!message.contains(world.simulator.secret))
            #expect(loser.standardOutput.isEmpty)

            let state = try LedgerEndState.read(connection)
            #expect(state.paymentsGrantedTwice.isEmpty)
            print("two runs: winner pid \(winnerPid); loser said: \(message.split(separator: "\n").last ?? "")")
        }
    }
}
