import Foundation
import LedgerStore
import Postgres
import ReconcilerCore
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// ARCHITECTURE §5.5 "a crash at any point loses nothing and doubles nothing": the built binary is
/// killed with SIGKILL during its scan and at several points of its repairs, then run again
/// to completion; the ledger must end exactly where one uninterrupted run leaves a copy of the
/// same database.
@Suite(.serialized) struct RunCrashTests {
    /// Payments in the world. Every paid live payment lost its grant (`--lost-grant-rate 1`),
    /// so about 85 % of them need a repair; 7,000 payments give some 6,000 repairs.
    static let payments = Int(ProcessInfo.processInfo.environment["RECONCILER_CRASH_PAYMENTS"] ?? "") ?? 7000

    @Test func killedRunsLoseNothingAndDoubleNothing() async throws {
        try await ChaosWorld.withReferenceAndCopy(payments: Self.payments, seed: 41) {
            world, config, reference, crashed in
            try await Self.compare(
                world: world, reference: reference, crashed: crashed,
                environment: { RunCommandTests.environment(world.simulator, $0, configFile: config) })
        }
    }

    static func compare(
        world: ChaosWorld, reference: TestDatabase, crashed: TestDatabase,
        environment: (TestDatabase) -> [String: String]
    ) async throws {
        let clock = ContinuousClock()

        // A: one uninterrupted run.
        var started = clock.now
        try RunCommandTests.runUninterrupted(environment(reference))
        let referenceTime = clock.now - started
        let a = try reference.connect()
        defer { a.close() }
        let repairs = try fixCount(a)
        try #require(repairs >= 5000, "the world must need at least 5,000 repairs, it needed \(repairs)")

        // B: killed during the scan, then after the first repair, about half and four fifths, then
        // inside a repair transaction.
        started = clock.now
        let b = try crashed.connect(configuration: ConnectionConfiguration(applicationName: "crash-test-watcher"))
        defer { b.close() }
        let env = environment(crashed)
        var killed: [Int64] = []

        try await world.simulator.setFaults(["latencyMs": 1000])
        let listed = try await listRequests(world.simulator)
        let scanning = try ProductProcess.start("credit-reconciler", ["run"], environment: env)
        let scanningPid = scanning.pid
        // Watched through the database, not the simulator: a simulator whose threads all sleep in
        // the injected latency answers the stats request only when the scan is over; the run's
        // own connection to PortOne shows it has sent its first request. Watched and killed from
        // a thread of its own (ProgressWatch): a poll on the concurrency pool, which the suite's
        // other tests keep busy, can lose seconds.
        let simulatorPort = try #require(URLComponents(string: world.simulator.baseURL)?.port)
        _ = try await ProgressWatch.act(
            "the run has begun (and scans PortOne, slowly)", watching: scanningPid, database: crashed.url,
            when: {
                try runningRuns($0) == 1
                    && RunningProduct.establishedConnections(pid: scanningPid, toPort: simulatorPort) > 0
            }, then: { _ in Glibc.kill(scanningPid, SIGKILL) })
        killed.append(try await kill(scanning, on: b))
        #expect(try await listRequests(world.simulator) > listed, "the killed run must have begun its scan")
        try await world.simulator.setFaults([:])
        #expect(try fixCount(b) == 0, "the first kill must land in the scan, before any repair")

        // Repairs re-fetch each payment first: latency keeps a run in its repairs long enough for
        // each kill to land there, however fast batched repairs are (up to 192 re-fetches are in
        // flight at once: 150 ms makes about 1,300 repairs a second).
        try await world.simulator.setFaults(["latencyMs": 150])
        for target in [1, repairs / 2, repairs * 4 / 5] {
            // At least one repair of this run: under load the previous kill can land past this
            // target, and a kill before this run has begun would find the previous run instead.
            let goal = max(target, try fixCount(b) + 1)
            let running = try ProductProcess.start("credit-reconciler", ["run"], environment: env)
            let pid = running.pid
            let acted = try await ProgressWatch.act(
                "\(goal) repairs are committed", watching: pid, database: crashed.url,
                when: { try fixCount($0) >= goal }, then: { _ in Glibc.kill(pid, SIGKILL) })
            #expect(acted != nil, "the run ended before the kill at \(target) repairs")
            let runId = try await kill(running, on: b)
            // The run started after a kill marks the killed run abandoned as it begins.
            let previous = try #require(killed.last)
            #expect(try status(of: previous, b) == "abandoned")
            killed.append(runId)
            print("crash test: killed run \(runId) at \(try fixCount(b)) of \(repairs) repairs")
        }
        try await world.simulator.setFaults([:])

        // Last, a kill inside a repair transaction: an uncommitted PURCHASE of a payment still to
        // repair (a webhook that has not committed yet) blocks the run's write statement on the
        // unique index, with the user's "Credit" row locked and its ledger read; then SIGKILL.
        let blocked = try #require(try unrepairedGrant(world, b), "a missed grant must be left to repair")
        let webhook = try crashed.connect(configuration: ConnectionConfiguration(applicationName: "crash-test-blocker"))
        defer { webhook.close() }
        try webhook.execute("BEGIN")
        try webhook.execute(
            #"""
            INSERT INTO "CreditTransaction" (id, "userId", amount, type, "paymentId", "createdAt")
            VALUES ('blocker', $1, $2, 'PURCHASE', $3, (now() AT TIME ZONE 'UTC')::timestamp(3))
            """#, [blocked.userId, blocked.credits, blocked.paymentId])
        let stuck = try ProductProcess.start("credit-reconciler", ["run"], environment: env)
        try await Poll.until("the run waits inside the repair of \(blocked.paymentId)") {
            guard stuck.isRunning else { return true }
            return try b.queryFirst(
                """
                SELECT count(*) AS n FROM pg_stat_activity
                WHERE datname = current_database() AND application_name = 'credit-reconciler'
                  AND state = 'active' AND wait_event_type = 'Lock' AND query LIKE '%INSERT INTO "CreditTransaction"%'
                """)!.decode("n", as: Int64.self) == 1
        }
        #expect(stuck.isRunning, "the run ended before it reached payment \(blocked.paymentId)")
        let stuckRunId = try await kill(stuck, on: b) { try webhook.execute("ROLLBACK") }
        #expect(try status(of: try #require(killed.last), b) == "abandoned")
        killed.append(stuckRunId)
        #expect(try fixCount(b, paymentId: blocked.paymentId) == 0, "the killed transaction must leave nothing")
        print(
            "crash test: killed run \(stuckRunId) inside the repair of \(blocked.paymentId) at \(try fixCount(b)) repairs"
        )

        let last = try ProductProcess.run("credit-reconciler", ["run"], environment: env)
        #expect(last.status == 0, "stderr: \(last.standardError)")
        #expect(last.standardError.contains("marked runs abandoned"), "\(last.standardError)")
        #expect(last.standardError.contains("runs=\(killed.last ?? 0)"), "\(last.standardError)")
        let crashedTime = clock.now - started
        for runId in killed {
            #expect(try status(of: runId, b) == "abandoned", "run \(runId)")
        }

        // The end states must be equal, whatever order the repairs were applied in.
        let expected = try LedgerEndState.read(a)
        let actual = try LedgerEndState.read(b)
        #expect(expected.paymentsGrantedTwice.isEmpty)
        #expect(actual.paymentsGrantedTwice.isEmpty)
        #expect(actual == expected, "differences: \(actual.differences(from: expected))")
        #expect(try openDiscrepancies(b) == openDiscrepancies(a))
        #expect(try fixCount(b) == repairs)
        print(
            "crash test: \(payments) payments, \(repairs) repairs; uninterrupted run \(referenceTime), "
                + "5 kills and the final run \(crashedTime)")
    }

    /// SIGKILLs `process`, waits until its database sessions are gone, and returns the id of the
    /// run it left `running`.
    ///
    /// `afterKill` runs between the kill and the wait: a backend waiting on a lock notices its
    /// client is gone only when the wait ends, so the test releases its lock there.
    static func kill(
        _ process: RunningProduct, on connection: Connection, afterKill: () throws -> Void = {}
    ) async throws -> Int64 {
        process.kill()
        _ = try process.waitForExit()
        #expect(process.wasKilled)
        try afterKill()
        try await Poll.until("the killed run's database sessions end") {
            try connection.queryFirst(
                """
                SELECT count(*) AS n FROM pg_stat_activity
                WHERE datname = current_database() AND application_name = 'credit-reconciler' AND pid <> pg_backend_pid()
                """)!.decode("n", as: Int64.self) == 0
        }
        let running = try connection.query("SELECT id FROM reconciler.run WHERE status = 'running'")
            .map { try $0.decode("id", as: Int64.self) }
        try #require(running.count == 1, "the killed run must be left 'running', found \(running)")
        return running[0]
    }

    /// Runs recorded `running` (begun, not finished).
    static func runningRuns(_ connection: Connection) throws -> Int {
        Int(
            try connection.queryFirst("SELECT count(*) AS n FROM reconciler.run WHERE status = 'running'")!.decode(
                "n", as: Int64.self))
    }

    static func fixCount(_ connection: Connection) throws -> Int {
        Int(try connection.queryFirst("SELECT count(*) AS n FROM reconciler.fix")!.decode("n", as: Int64.self))
    }

    /// Rows in the repair queue (`reconciler.run_repair`), of any run.
    static func queuedRepairs(_ connection: Connection) throws -> Int {
        Int(try connection.queryFirst("SELECT count(*) AS n FROM reconciler.run_repair")!.decode("n", as: Int64.self))
    }

    static func fixCount(_ connection: Connection, paymentId: String) throws -> Int {
        Int(
            try connection.queryFirst("SELECT count(*) AS n FROM reconciler.fix WHERE payment_id = $1", [paymentId])!
                .decode("n", as: Int64.self))
    }

    /// A missed grant the runs so far have not repaired, from the middle of the ones left.
    static func unrepairedGrant(_ world: ChaosWorld, _ connection: Connection) throws -> WebAppWebhook.Grant? {
        let repaired = Set(
            try connection.query("SELECT payment_id FROM reconciler.fix WHERE kind = 'MISSED_GRANT'")
                .map { try $0.decode("payment_id", as: String.self) })
        let left = world.mistakes("MISSED_GRANT").compactMap { mistake -> WebAppWebhook.Grant? in
            guard let paymentId = mistake.paymentId, let userId = mistake.userId, let credits = mistake.credits,
                !repaired.contains(paymentId)
            else { return nil }
            return WebAppWebhook.Grant(paymentId: paymentId, userId: userId, credits: credits)
        }
        return left.isEmpty ? nil : left[left.count / 2]
    }

    static func status(of runId: Int64, _ connection: Connection) throws -> String? {
        try connection.queryFirst("SELECT status FROM reconciler.run WHERE id = $1", [runId])?.decode("status")
    }

    static func openDiscrepancies(_ connection: Connection) throws -> Set<String> {
        Set(
            try connection.query(
                "SELECT kind || ' ' || coalesce(payment_id, user_id, '-') AS k FROM reconciler.discrepancy WHERE status = 'open'"
            ).map { try $0.decode("k", as: String.self) })
    }

    /// PortOne API requests (not control requests) the simulator has received.
    static func listRequests(_ simulator: SimulatorProcess) async throws -> Int {
        let stats = try await simulator.control(.get, "/_simulator/stats")
        let byPath = stats["byPath"] as? [String: Any] ?? [:]
        return byPath.filter { !$0.key.hasPrefix("/_simulator") && !$0.key.hasPrefix("/payments/") }
            .reduce(0) { $0 + (($1.value as? NSNumber)?.intValue ?? 0) }
    }
}
