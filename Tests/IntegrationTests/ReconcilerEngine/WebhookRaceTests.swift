import Foundation
import LedgerStore
import Postgres
import ReconcilerCore
import ReconcilerEngine
import TestSupport
import Testing

/// DESIGN §3.2 and §4.5: the web app's webhook and a run grant the same missed payments at the
/// same time. Whoever commits first grants; the other must grant nothing (the unique PURCHASE
/// index refuses the webhook, the run's fresh re-decision sees the webhook's row), so every
/// paid payment ends with exactly one PURCHASE and every balance with the sum of its rows.
@Suite(.serialized) struct WebhookRaceTests {
    typealias World = ReconciliationWorldTests

    @Test(arguments: [UInt64(7), 8])
    func aWebhookRacingTheRunGrantsEachPaymentOnce(seed: UInt64) async throws {
        let world = try await ChaosWorld.generate(
            payments: 3000, seed: 50 + Int(seed), end: World.worldEnd,
            extra: ["--lost-grant-rate", "1", "--balance-drift-rate", "0"])
        defer { world.close() }
        try await TestDatabase.withFresh(schema: .app) { database in
            try world.load(into: database)
            let missed = world.mistakes("MISSED_GRANT")
            let grants = try missed.map { mistake in
                WebAppWebhook.Grant(
                    paymentId: try #require(mistake.paymentId), userId: try #require(mistake.userId),
                    credits: try #require(mistake.credits))
            }
            let owed = grants.reduce(Int64(0)) { $0 + $1.credits }
            try #require(grants.count > 1000)

            // The webhook starts once the run has committed its first repair, then grants every
            // missed payment in random order while the run works through the same payments.
            let webhook = WebAppWebhook(url: database.url, grants: grants, seed: seed)
            async let delivered = webhook.deliver { connection in
                try connection.queryFirst("SELECT EXISTS (SELECT 1 FROM reconciler.fix) AS e")!.decode("e")
            }
            let engine = try World.engine(world.simulator, database)
            let result = try await engine.run(RunRequest())
            let tally = try await delivered

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
            let runGrants = result.fixes.filter { $0.kind == .missedGrant }
            #expect(result.totals.creditsGranted + tally.creditsWon == owed)
            #expect(runGrants.count + tally.won == grants.count)
            #expect(tally.won + tally.refused == grants.count)
            #expect(tally.won > 0 && tally.refused > 0, "both sides must have won some payments")

            let second = try await engine.run(RunRequest(since: result.window?.from, until: result.window?.until))
            #expect(second.fixes.isEmpty)
            print(
                "webhook race (seed \(seed)): \(grants.count) missed grants; run granted \(runGrants.count), "
                    + "webhook \(tally.won) (refused \(tally.refused), redelivered after deadlock \(tally.redelivered)); "
                    + "run superseded \(result.totals.repairsSuperseded)")
        }
    }
}
