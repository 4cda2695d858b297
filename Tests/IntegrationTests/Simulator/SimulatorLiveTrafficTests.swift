import Foundation
import PortOne
import PortOneSimulator
import Synchronization
import TestSupport
import Testing
import WireFormat

/// The simulator's live traffic over real loopback HTTP: payments made and cancelled while it
/// serves show in every endpoint with consistent amounts, rate 0 stops them, and their webhooks
/// arrive signed, lost at the configured rate and recorded in the payment's `webhooks[]`.
@Suite struct SimulatorLiveTrafficTests {
    static let secret = "live-secret-\(UInt32.random(in: 0...UInt32.max))"
    /// The SDK tests' webhook secret (API-NOTES §8).
    static let webhookSecret = "whsec_pzQGE83cSIRKM4/WH5QY+g=="

    /// Fast live traffic: many payments, many cancellations, within a second.
    static let fastArguments = [
        "--live-cancel-rate", "0.3", "--live-partial-cancel-rate", "0.4", "--live-quiet-rate", "0.5",
        "--live-cancel-delay-min", "0.02", "--live-cancel-delay-max", "0.2",
    ]

    static func timestamp(_ t: PortOneSimulator.Timestamp) -> RFC3339.Timestamp {
        RFC3339.Timestamp(secondsSinceEpoch: t.nanoseconds / 1_000_000_000, nanoseconds: t.nanoseconds % 1_000_000_000)
    }

    @Test func liveChangesShowInEveryEndpoint() async throws {
        let from = RFC3339.Timestamp(Date().addingTimeInterval(-60))
        let simulator = try await SimulatorProcess.start(
            secret: Self.secret,
            arguments: ["--live-rate", "300", "--live-limit", "150", "--live-seed", "7"] + Self.fastArguments)
        defer { simulator.stop() }
        try await simulator.settleLive(timeout: .seconds(120))
        let log = try await simulator.liveLog()
        #expect(log.count == 150)
        #expect(log.map(\.sequence) == (0..<UInt64(log.count)).map { $0 }, "sequence numbers in order, none missing")
        #expect(log.contains { $0.cancellations.count >= 2 }, "some payments are partially cancelled twice or more")
        #expect(log.contains { $0.cancellations.contains(where: \.quiet) }, "some partial cancellations are quiet")
        #expect(log.contains { $0.cancellations.contains(where: \.full) }, "some payments are fully cancelled")
        let until = RFC3339.Timestamp(Date().addingTimeInterval(5))
        let client = try simulator.client()

        // The journal: one PAID event at paidAt and one per cancellation at its time.
        var events: [String: [PaymentEvent]] = [:]
        var cursor: String?
        repeat {
            let page = try await client.getPaymentEventsByCursor(
                CursorQuery(storeId: SimulatorProcess.storeId, from: from, until: until, cursor: cursor, size: 100))
            for (item, _) in page.items { events[try item.get().paymentId, default: []].append(try item.get()) }
            cursor = page.items.isEmpty ? nil : page.lastCursor
        } while cursor != nil
        #expect(events.count == log.count)
        for record in log {
            let journal = try #require(events[record.paymentId], "no events for \(record.paymentId)")
            #expect(journal.count == 1 + record.cancellations.count)
            #expect(journal.first?.kind == .paid && journal.first?.eventAmount == record.amount)
            #expect(journal.first?.createdAt == Self.timestamp(record.paidAt))
            for (event, cancellation) in zip(journal.dropFirst(), record.cancellations) {
                #expect(event.kind == (cancellation.full ? .cancelled : .partialCancelled))
                #expect(event.eventAmount == -cancellation.amount)
                #expect(event.createdAt == Self.timestamp(cancellation.at))
                #expect(event.cancellation?.id == cancellation.id)
            }
            #expect(journal.reduce(0) { $0 + $1.eventAmount } == record.amount - record.cancelledAmount)
        }

        // GET /payments by status change: every live payment, with its amounts and status.
        var listed: [String: Payment] = [:]
        for number in 0..<600 {
            let page = try await client.getPayments(
                PaymentListQuery(
                    storeId: SimulatorProcess.storeId, timestampType: .statusChangedAt, from: from, until: until,
                    pageNumber: number, pageSize: 100))
            for item in page.items { listed[try item.get().id] = try item.get() }
            if page.items.count < 100 { break }
        }
        #expect(listed.count == log.count)
        for record in log {
            let payment = try #require(listed[record.paymentId])
            #expect(payment.status.rawString == record.status)
            #expect(payment.amount.total == record.amount && payment.amount.paid == record.amount)
            #expect(payment.amount.cancelled == record.cancelledAmount)
            #expect(payment.customDataFields?.userId == record.userId)
            #expect(payment.customDataFields?.packageId == record.packageId)
            #expect(payment.customer.id == record.userId)
            let moved = record.cancellations.last(where: { !$0.quiet })?.at ?? record.paidAt
            #expect(payment.statusChangedAt == Self.timestamp(moved), "quiet cancellations leave statusChangedAt")
            #expect(payment.paidAt == Self.timestamp(record.paidAt))
            let package = try #require(GeneratorOptions.defaultCatalog.first { $0.id == record.packageId })
            #expect(package.price == record.amount && package.credits == record.credits)
        }

        // /payments-by-cursor (by request time) and GET /payments/{id} agree.
        var byCursor = Set<String>()
        cursor = nil
        repeat {
            let page = try await client.getPaymentsByCursor(
                CursorQuery(storeId: SimulatorProcess.storeId, from: from, until: until, cursor: cursor, size: 100))
            for (item, _) in page.items { byCursor.insert(try item.get().id) }
            cursor = page.items.isEmpty ? nil : page.lastCursor
        } while cursor != nil
        #expect(byCursor == Set(log.map(\.paymentId)))
        for record in log.prefix(20) {
            guard case .found(let payment) = try await client.getPayment(id: record.paymentId) else {
                Issue.record("GET /payments/\(record.paymentId) did not find it")
                continue
            }
            #expect(payment.succeededCancellations.map(\.id) == record.cancellations.map(\.id))
            #expect(payment.succeededCancellations.map(\.totalAmount) == record.cancellations.map(\.amount))
        }
    }

    @Test func rateZeroStopsAndANewRateGoesOnWithTheSequence() async throws {
        let simulator = try await SimulatorProcess.start(
            secret: Self.secret, arguments: ["--live-rate", "200"] + Self.fastArguments)
        defer { simulator.stop() }
        try await Poll.until("20 live payments", timeout: .seconds(120), every: .milliseconds(10)) {
            try await simulator.liveCounter("paid") >= 20
        }
        try await simulator.settleLive(timeout: .seconds(120))
        let stopped = try await simulator.liveCounter("paid")
        #expect(try await simulator.liveLog().count == stopped)
        try await simulator.setLive(["rate": 200, "limit": stopped + 10])
        try await Poll.until("ten more and settled", timeout: .seconds(120), every: .milliseconds(10)) {
            try await simulator.live()["settled"] as? Bool == true
        }
        let log = try await simulator.liveLog()
        #expect(log.map(\.sequence) == (0..<UInt64(stopped + 10)).map { $0 })
        #expect(try await simulator.liveLog(after: UInt64(stopped - 1)).count == 10)
    }

    @Test func theSameSeedSellsTheSameSequence() async throws {
        var sequences: [[String]] = []
        for _ in 0..<2 {
            let simulator = try await SimulatorProcess.start(
                secret: Self.secret,
                arguments: ["--generate", "50", "--seed", "3", "--live-rate", "500", "--live-limit", "30"]
                    + Self.fastArguments)
            defer { simulator.stop() }
            try await simulator.settleLive(timeout: .seconds(120))
            let log = try await simulator.liveLog()
            #expect(log.count == 30)
            sequences.append(log.prefix(30).map { "\($0.paymentId) \($0.userId) \($0.packageId) \($0.amount)" })
        }
        #expect(sequences[0] == sequences[1])
        #expect(Set(sequences[0]).count == 30)
    }

    // MARK: Webhooks

    /// A loopback receiver that records every webhook it gets and answers `status`.
    final class Receiver: Sendable {
        struct Received: Sendable {
            var id: String
            var timestamp: Int64
            var signature: String
            var body: [UInt8]
        }
        /// What arrived, shared with the server's threads.
        final class Inbox: Sendable {
            let items = Mutex<[Received]>([])
        }
        let inbox = Inbox()
        let server: HTTPServer
        let url: String

        var received: [Received] { inbox.items.withLock { $0 } }

        init(status: Int = 200) throws {
            let inbox = self.inbox
            server = HTTPServer { request in
                inbox.items.withLock {
                    $0.append(
                        Received(
                            id: request.header("webhook-id") ?? "",
                            timestamp: Int64(request.header("webhook-timestamp") ?? "") ?? 0,
                            signature: request.header("webhook-signature") ?? "", body: request.body))
                }
                return .text(status, "done\n")
            }
            try server.start(host: "127.0.0.1", port: 0)
            url = "http://127.0.0.1:\(server.port)/webhooks/portone"
        }

        deinit { server.stop() }
    }

    @Test(arguments: [0.0, 1.0, 0.5])
    func webhooksArriveSignedLostAtTheRateAndRecorded(lossRate: Double) async throws {
        let receiver = try Receiver()
        let simulator = try await SimulatorProcess.start(secret: Self.secret, arguments: Self.fastArguments)
        defer { simulator.stop() }
        try await simulator.setLive([
            "rate": 400, "limit": 200, "webhookUrl": receiver.url, "webhookSecret": Self.webhookSecret,
            "webhookLossRate": lossRate,
        ])
        try await simulator.settleLive(timeout: .seconds(120))
        let log = try await simulator.liveLog()
        let hooks = log.flatMap(\.webhooks)
        #expect(hooks.count == log.count + log.reduce(0) { $0 + $1.cancellations.count }, "one webhook per change")
        let lost = hooks.filter { $0.outcome == "LOST" }.count
        let received = receiver.received
        let counters = try await simulator.live()["counters"] as? [String: Any] ?? [:]
        #expect((counters["webhooksLost"] as? NSNumber)?.intValue == lost)
        #expect((counters["webhooksSucceeded"] as? NSNumber)?.intValue == received.count)
        #expect(received.count + lost == hooks.count)
        switch lossRate {
        case 0: #expect(lost == 0)
        case 1: #expect(received.isEmpty && lost == hooks.count)
        default:
            #expect(Double(lost) > 0.3 * Double(hooks.count) && Double(lost) < 0.7 * Double(hooks.count))
        }

        // Every delivery is signed with the secret and shaped as PortOne's 2024-04-25 body.
        let signer = try #require(WebhookSigner(secret: Self.webhookSecret))
        let byId = Dictionary(uniqueKeysWithValues: hooks.map { ($0.id, $0) })
        let records = Dictionary(uniqueKeysWithValues: log.map { ($0.paymentId, $0) })
        for delivery in received {
            #expect(
                signer.verify(
                    webhookId: delivery.id, timestamp: delivery.timestamp, body: delivery.body,
                    header: delivery.signature))
            #expect(abs(delivery.timestamp - Int64(Date().timeIntervalSince1970)) < 300)
            let body = try JSONValue.parse(Data(delivery.body))
            let hook = try #require(byId[delivery.id])
            #expect(hook.outcome == "SUCCEEDED" && hook.statusCode == 200)
            #expect(body["type"].stringValue == hook.type)
            #expect(
                body["timestamp"].stringValue.flatMap(Timestamp.parse).map { $0.nanoseconds / 1_000_000 } == hook.at
                    .nanoseconds / 1_000_000)
            let data = body["data"]
            #expect(data["storeId"].stringValue == SimulatorProcess.storeId)
            let record = try #require(data["paymentId"].stringValue.flatMap { records[$0] })
            #expect(data["transactionId"].stringValue == record.transactionId)
            #expect(data["cancellationId"].stringValue == hook.cancellationId)
            #expect((hook.type == "Transaction.Paid") == (hook.cancellationId == nil))
        }

        // The payment's webhooks[] records each one: SUCCEEDED, or a lost one as FAILED_UNEXPECTED_ERROR.
        let client = try simulator.client()
        for record in log.prefix(40) {
            guard case .found(let payment) = try await client.getPayment(id: record.paymentId) else {
                Issue.record("GET /payments/\(record.paymentId) did not find it")
                continue
            }
            #expect(payment.webhooks.map(\.id) == record.webhooks.map(\.id))
            for (stored, hook) in zip(payment.webhooks, record.webhooks) {
                #expect(stored.status == (hook.outcome == "LOST" ? .failedUnexpectedError : .succeeded))
            }
        }
    }

    @Test func webhooksAnsweredBadlyOrNotAtAllAreRecordedAsFailed() async throws {
        let receiver = try Receiver(status: 503)
        let simulator = try await SimulatorProcess.start(
            secret: Self.secret, arguments: ["--live-cancel-rate", "0", "--live-partial-cancel-rate", "0"])
        defer { simulator.stop() }
        try await simulator.setLive([
            "rate": 200, "limit": 20, "webhookUrl": receiver.url, "webhookSecret": Self.webhookSecret,
        ])
        try await Poll.until("20 payments settled", timeout: .seconds(120), every: .milliseconds(10)) {
            try await simulator.live()["settled"] as? Bool == true
        }
        // Then a port nobody listens on: the receiver stops.
        receiver.server.stop()
        try await simulator.setLive(["limit": 40])
        try await simulator.settleLive(timeout: .seconds(120))
        let hooks = try await simulator.liveLog().flatMap(\.webhooks)
        #expect(hooks.allSatisfy { $0.outcome == "FAILED_NOT_OK_RESPONSE" || $0.outcome == "FAILED_UNEXPECTED_ERROR" })
        #expect(hooks.contains { $0.outcome == "FAILED_NOT_OK_RESPONSE" && $0.statusCode == 503 })
        #expect(hooks.contains { $0.outcome == "FAILED_UNEXPECTED_ERROR" && $0.statusCode == nil })
        #expect(try await simulator.liveCounter("webhooksFailed") == hooks.count)
        #expect(try await simulator.liveCounter("webhooksSucceeded") == 0)
    }

    @Test func controlRefusesBadConfigurations() async throws {
        let simulator = try await SimulatorProcess.start(secret: Self.secret, arguments: [])
        defer { simulator.stop() }
        for bad: [String: Any] in [
            ["rate": -1], ["cancelRate": 2], ["cancelRate": 0.7, "partialCancelRate": 0.7], ["colour": "red"],
            ["webhookUrl": "http://example.com/hook", "webhookSecret": Self.webhookSecret],
            ["webhookUrl": "http://127.0.0.1:9/hook"], ["cancelDelayMin": 5, "cancelDelayMax": 1],
        ] {
            var refused = false
            do { try await simulator.setLive(bad) } catch is SimulatorStartFailure { refused = true }
            #expect(refused, "\(bad) was accepted")
        }
        let live = try await simulator.live()
        #expect((live["rate"] as? NSNumber)?.doubleValue == 0, "a refused change changes nothing")
        let set = try await simulator.setLive(["webhookUrl": "http://127.0.0.1:9/hook", "webhookSecret": "AAAA"])
        #expect(set["webhookUrl"] as? String == "http://127.0.0.1:9/hook")
        #expect(set["webhookSecretSet"] as? Bool == true && set["webhookSecret"] == nil, "the secret is never shown")
        let cleared = try await simulator.setLive(["webhookUrl": NSNull()])
        #expect(cleared["webhookUrl"] is NSNull)
    }
}
