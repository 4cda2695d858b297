import Foundation
import LedgerStore
import PortOne
import Postgres
import ReconcilerCore
import ReconcilerEngine
import Synchronization
import TestSupport
import Testing
import WireFormat

/// The daemon's follow loop, one tick at a time against the simulator and PostgreSQL (DESIGN
/// §4.4a): quiet refunds deducted, young PAID events left to the webhook, the cursor kept and
/// resumed, the status-scan fallback while the journal is down, capacity and backlog, and the
/// run lock shared with runs (a tick skips; a run waits for a tick).
@Suite struct FollowTickTests {
    typealias World = ReconciliationWorldTests
    static let second: Int64 = 1_000_000_000
    static let hour: Int64 = 3_600 * second

    /// An engine over `simulator` and `database` with `follow` settings and the clock `now`.
    static func engine(
        _ simulator: SimulatorProcess, _ database: TestDatabase, follow: Configuration.Follow = Configuration.Follow(),
        now: @escaping @Sendable () -> RFC3339.Timestamp
    ) throws -> ReconciliationEngine {
        var policy = Configuration.Policy()
        policy.initialLookback = 40 * 86_400
        policy.maxFixesPerRun = 100_000
        var configuration = Configuration(catalog: World.catalog, policy: policy)
        configuration.follow = follow
        var settings = ReconciliationEngine.Settings(
            configuration: configuration, storeId: SimulatorProcess.storeId, database: database.ledger)
        settings.pageSize = 500
        return ReconciliationEngine(settings: settings, client: try simulator.client(), now: now)
    }

    /// A world of `payments` payments with its ledger, after one window run at the world's clock;
    /// `body` gets the simulator, the database and a connection to it.
    static func afterAFirstRun(
        payments: Int, seed: Int, _ body: (SimulatorProcess, TestDatabase, Connection) async throws -> Void
    ) async throws {
        try await TestDatabase.withFresh(schema: .app) { database in
            let (simulator, _) = try await World.world(payments: payments, seed: seed, database: database)
            defer { simulator.stop() }
            let connection = try database.connect()
            defer { connection.close() }
            #expect(try await World.engine(simulator, database).run(RunRequest()).outcome == .succeeded)
            try await body(simulator, database, connection)
        }
    }

    /// A clock the test moves.
    final class Clock: Sendable {
        private let value: Mutex<RFC3339.Timestamp>
        init(_ start: RFC3339.Timestamp) { value = Mutex(start) }
        var now: RFC3339.Timestamp { value.withLock { $0 } }
        func set(_ time: RFC3339.Timestamp) { value.withLock { $0 = time } }
    }

    /// Copies of `count` old granted PAID payments as new payments paid at `paidAt` whose
    /// webhook was lost: PortOne has them, the ledger has nothing. Returns their ids.
    static func newPaidWithoutGrant(
        _ simulator: SimulatorProcess, _ connection: Connection, count: Int, paidAt: RFC3339.Timestamp, tag: String
    ) async throws -> [String] {
        let rows = try connection.query(
            """
            SELECT "paymentId" AS id FROM "CreditTransaction" WHERE type = 'PURCHASE'
            ORDER BY "paymentId" LIMIT 200
            """)
        var ids: [String] = []
        for row in rows where ids.count < count {
            let id: String = try row.decode("id")
            var payment = try await simulator.control(.get, "/payments/\(id)")
            guard payment["status"] as? String == "PAID", (payment["cancellations"] as? [Any])?.isEmpty ?? true else {
                continue
            }
            let newId = "follow-\(tag)-\(ids.count)-\(id)"
            let at = RFC3339.format(paidAt)
            payment["id"] = newId
            payment["transactionId"] = "tx-\(newId)"
            for key in ["paidAt", "statusChangedAt", "updatedAt", "requestedAt", "createdAt"] where payment[key] != nil
            {
                payment[key] = at
            }
            payment["webhooks"] = []
            try await simulator.control(.post, "/_simulator/payments", ["payments": [payment]])
            ids.append(newId)
        }
        #expect(ids.count == count, "the world has \(count) granted PAID payments to copy")
        return ids
    }

    /// Credits granted for `paymentId` by PURCHASE rows.
    static func granted(_ paymentId: String, _ connection: Connection) throws -> Int64 {
        try connection.queryFirst(
            """
            SELECT coalesce(sum(amount), 0)::bigint AS g FROM "CreditTransaction"
            WHERE "paymentId" = $1 AND type = 'PURCHASE'
            """, [paymentId])!.decode("g")
    }

    @Test func quietPartialCancellationsAreDeductedByATickOnceAndTheCursorResumes() async throws {
        try await Self.afterAFirstRun(payments: 300, seed: 51) { simulator, database, connection in
            let (paymentId, _, due) = try await EventsFeedRunTests.cancelQuietly(simulator, connection)
            #expect(due > 0)

            // Quiet cancellations at worldEnd + 25 h and + 26 h; the tick a day after the world.
            let clock = Clock(World.worldEnd.adding(nanoseconds: 27 * Self.hour))
            let engine = try Self.engine(simulator, database, now: { clock.now })
            let tick = await engine.followTick(memory: FollowMemory())
            guard case .decided(let runId) = tick.outcome else {
                Issue.record("expected a tick that decides, got \(tick.summary)")
                return
            }
            #expect(tick.eventsRead == 2)
            #expect(tick.paymentsDecided == 1)
            #expect(try EventsFeedRunTests.deducted(paymentId, connection) == due)
            let trigger: String = try connection.queryFirst(
                "SELECT trigger FROM reconciler.run WHERE id = $1", [runId])!.decode("trigger")
            #expect(trigger == "follow")
            #expect(tick.lagSeconds == 0, "every event up to the tick is decided")

            // The cursor stays past them: the next tick reads nothing new and deducts nothing more.
            let cursor: String? = try connection.queryFirst("SELECT cursor FROM reconciler.follow_cursor")!.decode(
                "cursor")
            #expect(cursor != nil)
            clock.set(clock.now.adding(nanoseconds: 10 * Self.second))
            let next = await engine.followTick(memory: tick.memory)
            guard case .idle = next.outcome else {
                Issue.record("expected an idle tick, got \(next.summary)")
                return
            }
            #expect(next.eventsRead == 0)
            #expect(next.totalEventsRead == 2)
            #expect(try EventsFeedRunTests.deducted(paymentId, connection) == due)
            // Ticks are runs with trigger 'follow' but not "the last run".
            #expect(
                try LedgerSession(connection: connection).recorder.runs(limit: 10).allSatisfy { $0.trigger != .follow })
        }
    }

    @Test func aYoungPaidEventIsLeftToTheWebhookUntilTheGraceIsOver() async throws {
        try await Self.afterAFirstRun(payments: 200, seed: 52) { simulator, database, connection in
            let paidAt = World.worldEnd.adding(nanoseconds: 2 * Self.hour)
            let ids = try await Self.newPaidWithoutGrant(simulator, connection, count: 2, paidAt: paidAt, tag: "grace")
            var follow = Configuration.Follow()
            follow.grace = 45
            let clock = Clock(paidAt.adding(nanoseconds: 20 * Self.second))
            let engine = try Self.engine(simulator, database, follow: follow, now: { clock.now })

            let early = await engine.followTick(memory: FollowMemory())
            #expect(early.deferred == 2, "\(early.summary)")
            #expect(early.paymentsDecided == 0)
            for id in ids { #expect(try Self.granted(id, connection) == 0) }
            #expect(early.lagSeconds == 20, "the young events are what the loop is behind by")

            clock.set(paidAt.adding(nanoseconds: 50 * Self.second))
            let late = await engine.followTick(memory: early.memory)
            #expect(late.paymentsDecided == 2, "\(late.summary)")
            #expect(late.fixesApplied == 2)
            let grants = try ids.map { try Self.granted($0, connection) }
            #expect(grants.allSatisfy { $0 > 0 })

            clock.set(paidAt.adding(nanoseconds: 60 * Self.second))
            let again = await engine.followTick(memory: late.memory)
            #expect(again.fixesApplied == 0)
            #expect(try ids.map { try Self.granted($0, connection) } == grants, "granted once")
        }
    }

    @Test func aTickTakesAtMostItsCapacityAndTheNextOnesWorkOffTheBacklog() async throws {
        try await Self.afterAFirstRun(payments: 200, seed: 53) { simulator, database, connection in
            let paidAt = World.worldEnd.adding(nanoseconds: 2 * Self.hour)
            let ids = try await Self.newPaidWithoutGrant(simulator, connection, count: 5, paidAt: paidAt, tag: "cap")
            var follow = Configuration.Follow()
            follow.maxFixesPerTick = 4  // two payments per tick: each may need two repairs
            let clock = Clock(paidAt.adding(nanoseconds: 120 * Self.second))
            let engine = try Self.engine(simulator, database, follow: follow, now: { clock.now })
            var memory = FollowMemory()
            var decided: [Int] = []
            for _ in 0..<4 {
                let tick = await engine.followTick(memory: memory)
                memory = tick.memory
                decided.append(tick.paymentsDecided)
                #expect(tick.fixesApplied == tick.paymentsDecided, "\(tick.summary)")
                if !tick.backlog { break }
            }
            #expect(decided == [2, 2, 1], "two per tick, then the rest")
            for id in ids { #expect(try Self.granted(id, connection) > 0) }
        }
    }

    @Test(
        "a journal that answers 404, 403 or an unreadable shape: ticks follow the status scan, say so, and recover",
        arguments: [404, 403, 200])
    func unavailableJournal(status: Int) async throws {
        try await Self.afterAFirstRun(payments: 200, seed: 54) { simulator, database, connection in
            let paidAt = World.worldEnd.adding(nanoseconds: 2 * Self.hour)
            let clock = Clock(paidAt.adding(nanoseconds: 60 * Self.second))
            let engine = try Self.engine(simulator, database, now: { clock.now })
            // A first tick with the journal up sets the cursor.
            let first = await engine.followTick(memory: FollowMemory())
            #expect(first.feed == .read)

            try await simulator.setFaults(["eventsFeedStatus": status])
            let ids = try await Self.newPaidWithoutGrant(
                simulator, connection, count: 1, paidAt: paidAt.adding(nanoseconds: 70 * Self.second), tag: "down")
            clock.set(paidAt.adding(nanoseconds: 130 * Self.second))
            let down = await engine.followTick(memory: first.memory)
            guard case .unavailable(let reason) = down.feed else {
                Issue.record("expected the journal unavailable, got \(down.summary)")
                return
            }
            #expect(!reason.contains(simulator.secret))
            let grant = try Self.granted(ids[0], connection)
            #expect(grant > 0, "the status scan found it: \(down.summary)")
            let feed: String = try connection.queryFirst("SELECT feed FROM reconciler.follow_cursor")!.decode("feed")
            #expect(feed == "unavailable")
            // The next run's report says the follow loop fell back to the status scan.
            let run = try await World.engine(simulator, database).run(RunRequest())
            let sources = try EventsFeedRunTests.sources(run.runId, connection)
            #expect(sources["followLoop"]["eventsFeed"].stringValue == "unavailable", "\(sources)")
            #expect(sources["followLoop"]["eventsFeedReason"].stringValue?.isEmpty == false)

            try await simulator.setFaults([:])
            clock.set(paidAt.adding(nanoseconds: 140 * Self.second))
            let back = await engine.followTick(memory: down.memory)
            #expect(back.feed == .read, "\(back.summary)")
            #expect(back.fixesApplied == 0, "the payment granted by the fallback is not granted twice")
            #expect(try Self.granted(ids[0], connection) == grant)
            let after: String = try connection.queryFirst("SELECT feed FROM reconciler.follow_cursor")!.decode("feed")
            #expect(after == "read")
        }
    }

    @Test func aTickSkipsWhileARunHoldsTheLockAndARunWaitsForATick() async throws {
        try await Self.afterAFirstRun(payments: 100, seed: 55) { simulator, database, connection in
            let paidAt = World.worldEnd.adding(nanoseconds: 2 * Self.hour)
            let ids = try await Self.newPaidWithoutGrant(simulator, connection, count: 1, paidAt: paidAt, tag: "lock")
            let holder = try database.connect()
            defer { holder.close() }
            let engine = try Self.engine(simulator, database, now: { paidAt.adding(nanoseconds: 60 * Self.second) })

            // A run holds the run lock: the tick skips, the cursor is not written.
            #expect(try holder.tryAdvisoryLock(LedgerLockKeys.run))
            let skipped = await engine.followTick(memory: FollowMemory())
            guard case .skipped = skipped.outcome else {
                Issue.record("expected a skipped tick, got \(skipped.summary)")
                return
            }
            // A run (not a tick) that finds another run holding the lock exits 75 at once.
            do {
                _ = try await World.engine(simulator, database).run(RunRequest())
                Issue.record("a run must not start while another run holds the lock")
            } catch let failure as RunFailure {
                guard case .lockHeld = failure else { throw failure }
            }

            // A tick holds it: a run waits for the tick instead of exiting 75.
            #expect(try holder.tryAdvisoryLock(LedgerLockKeys.followTick))
            let run = Task { try await World.engine(simulator, database).run(RunRequest()) }
            let observer = try database.connect()
            defer { observer.close() }
            try await Poll.until("the run waits for the lock", timeout: .seconds(30)) {
                let waiting: Int64 = try observer.queryFirst(
                    "SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")!.decode("n")
                return waiting > 0
            }
            #expect(try holder.advisoryUnlock(LedgerLockKeys.run))
            #expect(try holder.advisoryUnlock(LedgerLockKeys.followTick))
            let result = try await run.value
            #expect(result.outcome == .succeeded)
            #expect(try Self.granted(ids[0], connection) == 0, "the skipped tick granted nothing")
            // The next tick, with the lock free, does its work.
            let tick = await engine.followTick(memory: skipped.memory)
            #expect(tick.fixesApplied == 1, "\(tick.summary)")
            #expect(try Self.granted(ids[0], connection) > 0)
        }
    }
}
