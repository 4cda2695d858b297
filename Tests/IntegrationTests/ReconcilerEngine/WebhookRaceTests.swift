import Foundation
import LedgerStore
import Postgres
import ReconcilerCore
import ReconcilerEngine
import TestSupport
import Testing

/// ARCHITECTURE §6.4 and §5.5: the web app's webhook and a run grant the same missed payments at the
/// same time. Whoever commits first grants; the other must grant nothing (the unique PURCHASE
/// index refuses the webhook, the run's fresh re-decision sees the webhook's row), so every
/// paid payment ends with exactly one PURCHASE and every balance with the sum of its rows.
@Suite(.serialized) struct WebhookRaceTests {
    typealias World = ReconciliationWorldTests

    /// The webhook starts once the run has committed its first repair, then grants every missed
    /// payment in random order while the run works through the same payments.
    @Test(arguments: [UInt64(7), 8])
    func aWebhookRacingTheRunGrantsEachPaymentOnce(seed: UInt64) async throws {
        let world = try await Self.world(seed: 50 + Int(seed))
        defer { world.close() }
        try await TestDatabase.withFresh(schema: .app) { database in
            try world.load(into: database)
            let grants = try world.mistakes("MISSED_GRANT").map { mistake in
                WebAppWebhook.Grant(
                    paymentId: try #require(mistake.paymentId), userId: try #require(mistake.userId),
                    credits: try #require(mistake.credits))
            }
            let webhook = WebAppWebhook(url: database.url, grants: grants, seed: seed)
            async let delivered = webhook.deliver(startingWhen: Self.aRepairIsCommitted)
            let engine = try Self.engine(world, database)
            let result = try await Self.run(engine, stopping: webhook)
            try await Self.verify(
                result, try await delivered, grants: grants, delivered: grants.count, database: database,
                engine: engine, label: "random order, seed \(seed)")
        }
    }

    /// The webhook delivers in the very order the run repairs (learned from a dry run with a
    /// sequential scan), each grant the moment the run re-fetches that payment from PortOne
    /// (seen in the simulator's request count): the webhook's transaction and the run's repair
    /// transaction for the same payment and user overlap again and again.
    @Test func aWebhookInLockstepWithTheRunGrantsEachPaymentOnce() async throws {
        let world = try await Self.world(seed: 59)
        defer { world.close() }
        try await TestDatabase.withFresh(schema: .app) { database in
            try world.load(into: database)
            var credits: [String: Int64] = [:]
            for mistake in world.mistakes("MISSED_GRANT") {
                if let paymentId = mistake.paymentId { credits[paymentId] = mistake.credits }
            }
            let engine = try Self.engine(world, database, scanParallelism: 1)
            let plan = try await engine.run(RunRequest(dryRun: true))
            // The repair units in the order the run applies them (a unit's repairs are adjacent).
            var unitOfPayment: [String: Int] = [:]
            var units = 0
            var grants: [WebAppWebhook.Grant] = []
            for repair in plan.plannedRepairs where repair.isAutoApplicable {
                if unitOfPayment[repair.paymentId] == nil {
                    unitOfPayment[repair.paymentId] = units
                    units += 1
                }
                guard repair.kind == .missedGrant else { continue }
                grants.append(
                    WebAppWebhook.Grant(
                        paymentId: repair.paymentId, userId: repair.userId,
                        credits: try #require(credits[repair.paymentId], "\(repair.paymentId) was not lost")))
            }
            try #require(grants.count == credits.count)
            // Nearly every lockstep delivery deadlocks with the repair of the same payment; the
            // server notices after deadlock_timeout (1 s by default), so shorten it, and race the
            // first `lockstep` grants only (the run grants the rest alone).
            let admin = try database.connect()
            try admin.execute(
                "ALTER DATABASE \(Connection.quoteIdentifier(database.name)) SET deadlock_timeout = '20ms'")
            admin.close()
            let lockstep = Array(grants.prefix(400))

            // The run fetches each unit's payment by id just before its repair transaction, after
            // the look-ups of its scan phase.
            let simulator = world.simulator
            let fetchedBefore = try await Self.fetchesById(simulator) + plan.totals.paymentsLookedUp
            var webhook = WebAppWebhook(url: database.url, grants: lockstep, seed: nil)
            let stop = webhook.stop
            webhook.beforeDelivery = { [unitOfPayment] grant, _ in
                let unit = unitOfPayment[grant.paymentId] ?? 0
                try await Poll.until(
                    "the run fetches payment \(grant.paymentId) for its repair", every: .milliseconds(1)
                ) {
                    if stop.isRequested { throw WebAppWebhook.Stopped() }
                    return try await Self.fetchesById(simulator) - fetchedBefore > unit
                }
            }
            async let delivered = webhook.deliver { _ in true }
            let result = try await Self.run(engine, stopping: webhook)
            try await Self.verify(
                result, try await delivered, grants: grants, delivered: lockstep.count, database: database,
                engine: engine, label: "lockstep")
        }
    }

    /// Every paid live payment lost its grant; no balance drift, so every balance must end equal
    /// to the sum of its rows.
    static func world(seed: Int) async throws -> ChaosWorld {
        try await ChaosWorld.generate(
            payments: 3000, seed: seed, end: World.worldEnd,
            extra: ["--lost-grant-rate", "1", "--balance-drift-rate", "0"])
    }

    static func engine(_ world: ChaosWorld, _ database: TestDatabase, scanParallelism: Int = 4) throws
        -> ReconciliationEngine
    {
        var policy = Configuration.Policy()
        policy.initialLookback = 40 * 86_400
        policy.maxFixesPerRun = 100_000
        var settings = ReconciliationEngine.Settings(
            configuration: Configuration(catalog: World.catalog, policy: policy), storeId: SimulatorProcess.storeId,
            database: database.ledger)
        settings.scanParallelism = scanParallelism
        return ReconciliationEngine(settings: settings, client: try world.simulator.client(), now: { World.clock })
    }

    /// Runs `engine`; if the run fails, stops `webhook` (a pending `async let` delivery is
    /// awaited when the test leaves its scope, and would otherwise wait for a run that is gone).
    static func run(_ engine: ReconciliationEngine, stopping webhook: WebAppWebhook) async throws -> RunResult {
        do {
            return try await engine.run(RunRequest())
        } catch {
            webhook.stop.request()
            throw error
        }
    }

    /// `GET /payments/{paymentId}` requests the simulator has received.
    static func fetchesById(_ simulator: SimulatorProcess) async throws -> Int {
        let byPath = try await simulator.control(.get, "/_simulator/stats")["byPath"] as? [String: Any]
        return (byPath?["/payments/{paymentId}"] as? NSNumber)?.intValue ?? 0
    }

    @Sendable static func aRepairIsCommitted(_ connection: Connection) throws -> Bool {
        try connection.queryFirst("SELECT EXISTS (SELECT 1 FROM reconciler.fix) AS e")!.decode("e")
    }

    static func verify(
        _ result: RunResult, _ tally: WebAppWebhook.Tally, grants: [WebAppWebhook.Grant], delivered: Int,
        database: TestDatabase, engine: ReconciliationEngine, label: String
    ) async throws {
        try #require(grants.count > 1000)
        let connection = try database.connect()
        defer { connection.close() }
        let state = try LedgerEndState.read(connection)
        #expect(state.paymentsGrantedTwice.isEmpty)
        #expect(state.driftedUsers.isEmpty, "balances must equal the sum of their rows")
        var purchases: [String: [Int64]] = [:]
        for row in try connection.query(
            #"SELECT "paymentId", amount::bigint AS amount FROM "CreditTransaction" WHERE type = 'PURCHASE'"#)
        {
            purchases[try row.decode("paymentId"), default: []].append(try row.decode("amount"))
        }
        for grant in grants {
            #expect(purchases[grant.paymentId] == [grant.credits], "payment \(grant.paymentId)")
        }
        let owed = grants.reduce(Int64(0)) { $0 + $1.credits }
        let runGrants = (try result.fixes(in: database.url)).filter { $0.kind == .missedGrant }
        #expect(result.totals.creditsGranted + tally.creditsWon == owed)
        #expect(runGrants.count + tally.won == grants.count)
        #expect(tally.won + tally.refused == delivered)
        if label != "lockstep" {
            // In lockstep the run may fetch each payment first every time; in random order, the
            // webhook certainly reaches payments the run has not and the run payments before it.
            #expect(tally.won > 0 && tally.refused > 0, "both sides must have won some payments")
        }

        let second = try await engine.run(RunRequest(since: result.window?.from, until: result.window?.until))
        #expect((try second.fixes(in: database.url)).isEmpty)
        print(
            "webhook race (\(label)): \(grants.count) missed grants, \(delivered) by webhook; run granted \(runGrants.count), "
                + "webhook \(tally.won) (refused \(tally.refused), redelivered after deadlock \(tally.redelivered)); "
                + "run superseded \(result.totals.repairsSuperseded)")
    }
}
