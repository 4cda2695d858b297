import Foundation
import LedgerStore
import PortOneSimulator
import Postgres
import TestSupport
import Testing
import WireFormat

/// TestSupport's web-app stand-in against the simulator's live webhooks and a real database:
/// it grants what it is told to, once per payment however often the webhook comes.
@Suite struct SimulatorWebAppStandInTests {
    static let secret = "standin-secret-\(UInt32.random(in: 0...UInt32.max))"
    static let webhookSecret = "whsec_pzQGE83cSIRKM4/WH5QY+g=="

    /// A simulator over a small generated world whose ledger is loaded into `database`, so live
    /// payments are bought by users the ledger knows.
    static func world(_ database: TestDatabase) async throws -> SimulatorProcess {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("standin-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let simulator = try await SimulatorProcess.start(
            secret: secret,
            arguments: [
                "--generate", "60", "--seed", "9", "--ledger-out", folder.path, "--balance-drift-rate", "0",
                "--duplicate-grant-rate", "0", "--deleted-user-rate", "0", "--live-cancel-rate", "0",
                "--live-partial-cancel-rate", "0",
            ], environment: ["PORTONE_WEBHOOK_SECRET": webhookSecret])
        let connection = try database.connect()
        defer { connection.close() }
        _ = try AppLedgerCopyFiles.load(from: folder, into: connection)
        return simulator
    }

    /// Credits granted by PURCHASE rows for `ids`, and how many rows.
    static func purchases(_ ids: [String], _ connection: Connection) throws -> (rows: Int64, credits: Int64) {
        let row = try connection.queryFirst(
            """
            SELECT count(*)::bigint AS n, coalesce(sum(amount), 0)::bigint AS credits FROM "CreditTransaction"
            WHERE type = 'PURCHASE' AND "paymentId" = ANY($1)
            """, [TextArray(ids)])!
        return (try row.decode("n"), try row.decode("credits"))
    }

    /// Users whose balance is not the sum of their rows.
    static func drifted(_ connection: Connection) throws -> Int64 {
        try connection.queryFirst(
            """
            SELECT count(*)::bigint AS n FROM "Credit" c
            WHERE c.balance <> (SELECT coalesce(sum(amount), 0) FROM "CreditTransaction" t WHERE t."userId" = c."userId")
            """)!.decode("n")
    }

    @Test func grantsEveryDeliveredPaidWebhookOnceEvenWhenDeliveredTwice() async throws {
        try await TestDatabase.withFresh(schema: .migrated) { database in
            let simulator = try await Self.world(database)
            defer { simulator.stop() }
            let app = WebAppStandIn(
                databaseURL: database.url, portOne: try simulator.client(),
                options: .init(webhookSecret: Self.webhookSecret))
            let url = try app.start()
            defer { app.stop() }
            try await simulator.setLive(["rate": 100, "limit": 25, "webhookUrl": url])
            try await simulator.settleLive(timeout: .seconds(120))
            let log = try await simulator.liveLog()
            try await Poll.until("every webhook granted", timeout: .seconds(120), every: .milliseconds(10)) {
                app.counters.inFlight == 0 && app.counters.granted + app.counters.failed >= log.count
            }
            #expect(app.counters.granted == log.count, "\(app.counters) \(app.lastFailure ?? "")")
            #expect(app.counters.rejected == 0 && app.counters.failed == 0)
            #expect(log.allSatisfy { app.grantedAt($0.paymentId) != nil })

            // The same webhook again, twice, signed as PortOne would re-send it.
            let record = try #require(log.first)
            let hook = try #require(record.webhooks.first)
            let body = Array(
                """
                {"type":"Transaction.Paid","timestamp":"\(hook.at)","data":{"paymentId":"\(record.paymentId)",\
                "storeId":"\(SimulatorProcess.storeId)","transactionId":"\(record.transactionId)"}}
                """.utf8)
            let signer = try #require(WebhookSigner(secret: Self.webhookSecret))
            let post = try #require(LoopbackPost(url: url))
            for _ in 0..<2 {
                let now = Int64(Date().timeIntervalSince1970)
                let answer = post.send(
                    headers: [
                        ("webhook-id", hook.id), ("webhook-timestamp", "\(now)"),
                        ("webhook-signature", signer.signature(webhookId: hook.id, timestamp: now, body: body)),
                    ], body: body)
                #expect(answer == .answered(200))
            }
            // A forged one is refused.
            let forged = post.send(
                headers: [("webhook-id", "x"), ("webhook-timestamp", "1"), ("webhook-signature", "v1,AAAA")], body: body
            )
            #expect(forged == .answered(401))
            try await Poll.until("both re-deliveries refused", timeout: .seconds(120), every: .milliseconds(10)) {
                app.counters.alreadyGranted == 2 && app.counters.inFlight == 0
            }
            #expect(app.counters.granted == log.count)
            #expect(app.counters.rejected == 1)

            let connection = try database.connect()
            defer { connection.close() }
            let granted = try Self.purchases(log.map(\.paymentId), connection)
            #expect(granted.rows == Int64(log.count))
            #expect(granted.credits == log.reduce(0) { $0 + $1.credits })
            #expect(try Self.drifted(connection) == 0, "each grant raised the balance by its row")
        }
    }

    @Test func grantsTheConfiguredShareAfterADelay() async throws {
        try await TestDatabase.withFresh(schema: .migrated) { database in
            let simulator = try await Self.world(database)
            defer { simulator.stop() }
            let app = WebAppStandIn(
                databaseURL: database.url, portOne: try simulator.client(),
                options: .init(
                    grantShare: 0.5, maxDelay: .milliseconds(300), seed: 4, webhookSecret: Self.webhookSecret))
            let url = try app.start()
            defer { app.stop() }
            try await simulator.setLive(["rate": 200, "limit": 100, "webhookUrl": url, "webhookLossRate": 0.2])
            try await simulator.settleLive(timeout: .seconds(120))
            let log = try await simulator.liveLog()
            let delivered = log.filter { $0.webhooks.first?.outcome == "SUCCEEDED" }
            try await Poll.until("the stand-in is done", timeout: .seconds(120), every: .milliseconds(10)) {
                let c = app.counters
                return c.inFlight == 0 && c.granted + c.skipped + c.failed == delivered.count
            }
            let counters = app.counters
            #expect(counters.received == delivered.count)
            #expect(counters.failed == 0, "\(app.lastFailure ?? "")")
            #expect(counters.granted > delivered.count / 4 && counters.granted < delivered.count * 3 / 4)
            let granted = log.filter { app.grantedAt($0.paymentId) != nil }
            #expect(granted.count == counters.granted)
            #expect(
                Set(granted.map(\.paymentId)).isSubset(of: Set(delivered.map(\.paymentId))),
                "lost webhooks grant nothing")
            let connection = try database.connect()
            defer { connection.close() }
            #expect(try Self.purchases(log.map(\.paymentId), connection).rows == Int64(counters.granted))
        }
    }
}
