import Foundation
import LedgerStore
import PortOneSimulator
import Postgres
import ReconcilerCore
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Issue 9: `kill -9` at 20 random points of apply runs (during the scan, between repair
/// transactions, inside one), each killed run followed by the next, then one clean run: the
/// ledger must end exactly where one uninterrupted run leaves a copy of the same database.
///
/// The points come from a seeded generator; the seed is printed and named in every failure
/// (`CRASH_SEED=<seed> swift test --filter RandomKillTests` replays it). Each kill waits for a
/// state of the run seen in the database, never for time.
@Suite(.serialized) struct RandomKillTests {
    typealias Crash = RunCrashTests

    /// Payments in the world: every paid live payment lost its grant, so about 85 % need a repair.
    static let payments = Int(ProcessInfo.processInfo.environment["RECONCILER_RANDOM_KILL_PAYMENTS"] ?? "") ?? 2000
    /// Kills per test run.
    static let kills = 20
    /// Kills that must land mid-run (the others may find their run finished, which still verifies).
    static let requiredLanded = 15
    /// Simulator latency while a kill waits for the scan: a scan of several slow pages outlasts
    /// the poll and the kill however loaded the machine is.
    static let scanLatency = 1000
    /// Simulator latency while a kill waits for repairs: every repair re-fetches its payment, so
    /// a 200-unit batch takes some 0.5 s, and the last target leaves at least two batches.
    static let repairLatency = 40

    /// Where a kill lands.
    enum KillPoint: Equatable, CustomStringConvertible {
        /// While the run scans PortOne: no repair of its own yet.
        case scan
        /// After at least `repairs` repairs are committed (and one of this run), between or
        /// during repair transactions.
        case repairs(Int)
        /// After at least `repairs` repairs, with the run frozen inside a repair transaction (its
        /// balance rows locked, its ledger read, its write waiting on a lock the test holds).
        case insideTransaction(after: Int)

        var description: String {
            switch self {
            case .scan: return "scan"
            case .repairs(let n): return "after \(n) repairs"
            case .insideTransaction(let n): return "inside a repair transaction after \(n) repairs"
            }
        }
    }

    /// What became of one kill.
    enum Landing: Equatable {
        /// The run was killed at its point.
        case landed
        /// The run finished before it reached the point.
        case finishedFirst
    }

    /// The seed: `CRASH_SEED` if set, otherwise a fresh one.
    static func seed() -> UInt64 {
        if let text = ProcessInfo.processInfo.environment["CRASH_SEED"], let seed = UInt64(text) { return seed }
        var generator = SystemRandomNumberGenerator()
        return generator.next() >> 16
    }

    /// `kills` points for a world needing `repairs` repairs: at least three of each kind, the
    /// rest drawn at random, in random order; the repair targets grow along the sequence, drawn
    /// between 2 % and 75 % of all repairs (the last quarter stays for the final run).
    static func plan(seed: UInt64, kills: Int, repairs: Int) -> [KillPoint] {
        var random = SeededRandom(seed: seed)
        enum Kind { case scan, repairs, inside }
        var kinds: [Kind] =
            Array(repeating: .scan, count: 3) + Array(repeating: .repairs, count: 3)
            + Array(repeating: .inside, count: 3)
        while kinds.count < kills {
            let draw = random.next() % 4
            kinds.append(draw == 0 ? .scan : draw == 3 ? .inside : .repairs)
        }
        kinds.shuffle(using: &random)
        let targetCount = kinds.filter { $0 != .scan }.count
        var targets = (0..<targetCount).map { _ in Int((0.02 + 0.73 * random.unit()) * Double(repairs)) }.sorted()
        return kinds.map { kind in
            switch kind {
            case .scan: return .scan
            case .repairs: return .repairs(targets.removeFirst())
            case .inside: return .insideTransaction(after: targets.removeFirst())
            }
        }
    }

    @Test func planSpreadsTwentyKillsOverEveryPhase() {
        let plan = Self.plan(seed: 7, kills: 20, repairs: 2000)
        #expect(plan.count == 20)
        #expect(plan.filter { $0 == .scan }.count >= 3)
        let targets = plan.compactMap { point -> Int? in
            switch point {
            case .scan: return nil
            case .repairs(let n), .insideTransaction(let n): return n
            }
        }
        #expect(targets == targets.sorted())
        #expect(targets.allSatisfy { (40...1500).contains($0) })
        #expect(Self.plan(seed: 7, kills: 20, repairs: 2000) == plan, "a seed must replay the same plan")
    }

    @Test func twentyRandomKillsWithRerunsEndLikeOneUninterruptedRun() async throws {
        let seed = Self.seed()
        let replay = "replay with CRASH_SEED=\(seed)"
        print("random kill test: seed \(seed) (\(replay))")
        try await ChaosWorld.withReferenceAndCopy(payments: Self.payments, seed: 61) {
            world, config, reference, crashed in
            try await Self.killAndCompare(
                seed: seed, replay: replay, world: world, reference: reference, crashed: crashed,
                environment: { RunCommandTests.environment(world.simulator, $0, configFile: config) })
        }
    }

    static func killAndCompare(
        seed: UInt64, replay: String, world: ChaosWorld, reference: TestDatabase, crashed: TestDatabase,
        environment: (TestDatabase) -> [String: String]
    ) async throws {
        let clock = ContinuousClock()
        var started = clock.now
        try RunCommandTests.runUninterrupted(environment(reference))
        let referenceTime = clock.now - started
        let a = try reference.connect()
        defer { a.close() }
        let repairs = try Crash.fixCount(a)
        try #require(repairs >= 1500, "the world must need at least 1,500 repairs, it needed \(repairs)")

        let plan = Self.plan(seed: seed, kills: kills, repairs: repairs)
        print("random kill test: \(repairs) repairs; plan: \(plan.map(\.description).joined(separator: ", "))")

        started = clock.now
        let b = try crashed.connect(configuration: ConnectionConfiguration(applicationName: "random-kill-watcher"))
        defer { b.close() }
        let env = environment(crashed)
        var killed: [Int64] = []
        var landings: [Landing] = []
        var queueLeftByAKill = 0
        var latency = -1
        for (index, point) in plan.enumerated() {
            let label = "kill \(index + 1) (\(point)), \(replay)"
            let wanted = point == .scan ? scanLatency : repairLatency
            if wanted != latency {
                try await world.simulator.setFaults(["latencyMs": wanted])
                latency = wanted
            }
            let before = try Crash.fixCount(b)
            let lastRun = try lastRunId(b)
            let running = try ProductProcess.start("credit-reconciler", ["run"], environment: env)
            let pid = running.pid
            let url = crashed.url
            // Watched and killed from a thread of its own (ProgressWatch): a poll on the busy
            // concurrency pool can lose seconds, and the run would finish meanwhile.
            let landing: Landing
            switch point {
            case .scan:
                // Its row, seen in the database: a simulator sleeping in latency answers nothing else.
                let acted = try await ProgressWatch.act(
                    "run after \(lastRun) has begun, \(label)", watching: pid, database: url,
                    when: { try runningRuns(after: lastRun, $0) == 1 }, then: { _ in Glibc.kill(pid, SIGKILL) })
                landing = try await settle(running, acted: acted != nil, on: b, killed: &killed, label: label)
                if landing == .landed {
                    #expect(try Crash.fixCount(b) == before, "a scan kill must land before any repair, \(label)")
                }
            case .repairs(let target):
                // At least one repair of this run: a kill before it began would find the last run.
                let goal = max(target, before + 1)
                let acted = try await ProgressWatch.act(
                    "\(goal) repairs are committed, \(label)", watching: pid, database: url,
                    when: { try Crash.fixCount($0) >= goal }, then: { _ in Glibc.kill(pid, SIGKILL) })
                landing = try await settle(running, acted: acted != nil, on: b, killed: &killed, label: label)
                if landing == .landed {
                    #expect(try Crash.fixCount(b) >= goal, "\(label)")
                }
            case .insideTransaction(let target):
                let goal = max(target, before + 1)
                let counts = try await ProgressWatch.act(
                    "\(goal) repairs are committed, \(label)", watching: pid, database: url,
                    when: { try Crash.fixCount($0) >= goal },
                    then: { connection in try freezeAndKill(pid, holding: connection, label: label) })
                landing = try await settle(
                    running, acted: counts.flatMap { $0 } != nil, on: b, killed: &killed, label: label)
                if landing == .landed, let (fixes, ledgerRows) = counts.flatMap({ $0 }) {
                    #expect(try Crash.fixCount(b) == fixes, "the killed transaction must leave no fix, \(label)")
                    #expect(
                        try creditTransactions(b) == ledgerRows,
                        "the killed transaction must leave no ledger row, \(label)")
                }
            }
            landings.append(landing)
            if landing == .landed { queueLeftByAKill = max(queueLeftByAKill, try Crash.queuedRepairs(b)) }
            print(
                "random kill test: kill \(index + 1) (\(point)): "
                    + (landing == .landed ? "killed at \(try Crash.fixCount(b)) repairs" : "the run finished first"))
        }
        try await world.simulator.setFaults([:])

        let last = try ProductProcess.run("credit-reconciler", ["run"], environment: env)
        #expect(last.status == 0, "stderr: \(last.standardError), \(replay)")
        let crashedTime = clock.now - started
        for runId in killed {
            #expect(try Crash.status(of: runId, b) == "abandoned", "run \(runId), \(replay)")
        }
        let landed = landings.filter { $0 == .landed }.count
        #expect(
            landed >= requiredLanded,
            "only \(landed) of \(kills) kills landed mid-run (the others found their run finished), \(replay)")

        let expected = try LedgerEndState.read(a)
        let actual = try LedgerEndState.read(b)
        #expect(expected.paymentsGrantedTwice.isEmpty, "\(replay)")
        #expect(actual.paymentsGrantedTwice.isEmpty, "\(replay)")
        #expect(actual == expected, "differences: \(actual.differences(from: expected)), \(replay)")
        #expect(try Crash.openDiscrepancies(b) == Crash.openDiscrepancies(a), "\(replay)")
        #expect(try Crash.fixCount(b) == repairs, "\(replay)")
        // A killed run leaves its repair queue behind; the next run empties it, and its own when it ends.
        #expect(queueLeftByAKill > 0, "no kill landed after a run had queued its repairs, \(replay)")
        #expect(try Crash.queuedRepairs(b) == 0, "\(replay)")
        print(
            "random kill test: seed \(seed), \(payments) payments, \(repairs) repairs; uninterrupted run "
                + "\(referenceTime); \(landed) of \(kills) kills landed; kills and the final run \(crashedTime)")
    }

    /// On the watch's thread and connection: takes a `SHARE` lock on `reconciler.fix`, waits
    /// until the run's next repair statement waits on it inside its transaction (its users'
    /// "Credit" rows locked, their ledger read), counts fixes and ledger rows, kills the run,
    /// and releases the lock once it is dead. Returns the counts, or nil if the run ended first.
    ///
    /// `SHARE` conflicts only with writes; taking it waits for the repair transaction in
    /// progress to commit. A backend waiting on a lock notices its client is gone only when the
    /// wait ends: the lock is released after the kill.
    static func freezeAndKill(_ pid: Int32, holding connection: Connection, label: String) throws -> (Int, Int64)? {
        try connection.execute("BEGIN")
        try connection.execute("LOCK TABLE reconciler.fix IN SHARE MODE")
        defer { _ = try? connection.execute("ROLLBACK") }
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .seconds(60))
        while true {
            // Activity statistics are a snapshot per transaction: refreshed before each look.
            _ = try connection.execute("SELECT pg_stat_clear_snapshot()")
            if try waitingRepairs(connection) == 1 { break }
            guard ProgressWatch.isAlive(pid) else { return nil }
            guard clock.now < deadline else {
                throw PollTimeout(what: "the run waits inside a repair transaction, \(label)", timeout: .seconds(60))
            }
            usleep(2000)
        }
        let counts = (try Crash.fixCount(connection), try creditTransactions(connection))
        Glibc.kill(pid, SIGKILL)
        ProgressWatch.waitUntilGone(pid)
        return counts
    }

    /// Waits for `process` (killed by a watch if `acted`) and says whether the kill landed (its
    /// run is then left `running`, and the run it replaced `abandoned`) or the run had finished.
    static func settle(
        _ process: RunningProduct, acted: Bool, on connection: Connection, killed: inout [Int64], label: String
    ) async throws -> Landing {
        if acted { process.kill() }
        let outcome = try process.waitForExit()
        guard process.wasKilled else {
            #expect(outcome.status == 0, "a run that was not killed must succeed, \(label): \(outcome.standardError)")
            return .finishedFirst
        }
        try await Poll.until("the killed run's database sessions end, \(label)") {
            try connection.queryFirst(
                """
                SELECT count(*) AS n FROM pg_stat_activity
                WHERE datname = current_database() AND application_name = 'credit-reconciler' AND pid <> pg_backend_pid()
                """)!.decode("n", as: Int64.self) == 0
        }
        let running = try connection.query("SELECT id FROM reconciler.run WHERE status = 'running'")
            .map { try $0.decode("id", as: Int64.self) }
        try #require(running.count == 1, "the killed run must be left 'running', found \(running), \(label)")
        if let previous = killed.last {
            #expect(try Crash.status(of: previous, connection) == "abandoned", "\(label)")
        }
        killed.append(running[0])
        return .landed
    }

    /// The id of the newest run, or 0.
    static func lastRunId(_ connection: Connection) throws -> Int64 {
        try connection.queryFirst("SELECT coalesce(max(id), 0) AS id FROM reconciler.run")!.decode("id", as: Int64.self)
    }

    /// Runs begun after `runId` and still `running`.
    static func runningRuns(after runId: Int64, _ connection: Connection) throws -> Int64 {
        try connection.queryFirst(
            "SELECT count(*) AS n FROM reconciler.run WHERE status = 'running' AND id > $1", [runId])!.decode(
                "n", as: Int64.self)
    }

    /// Sessions of the product waiting on a lock in their repair statement.
    static func waitingRepairs(_ connection: Connection) throws -> Int64 {
        try connection.queryFirst(
            """
            SELECT count(*) AS n FROM pg_stat_activity
            WHERE datname = current_database() AND application_name = 'credit-reconciler'
              AND state = 'active' AND wait_event_type = 'Lock' AND query LIKE '%INSERT INTO "CreditTransaction"%'
            """)!.decode("n", as: Int64.self)
    }

    /// Rows in `"CreditTransaction"`.
    static func creditTransactions(_ connection: Connection) throws -> Int64 {
        try connection.queryFirst(#"SELECT count(*) AS n FROM "CreditTransaction""#)!.decode("n", as: Int64.self)
    }
}
