import Foundation
import TestSupport
import Testing
import WireFormat

@testable import PortOneSimulator

/// Live traffic without a socket: what it sells is repeatable, its cancellations keep money
/// whole, its changes land in the store like any payment, and its configuration is checked.
@Suite struct SimulatorLivePlanTests {
    static let storeId = GeneratorOptions.defaultStoreId

    static func request(_ method: String, _ target: String, _ body: String = "") -> HTTPRequest {
        let path = String(target.prefix { $0 != "?" })
        var query: [String: String] = [:]
        if let mark = target.firstIndex(of: "?") {
            for pair in target[target.index(after: mark)...].split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                query[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
            }
        }
        return HTTPRequest(
            method: method, target: target, path: path, rawPath: path, query: query, headers: [],
            body: Array(body.utf8),
            minorVersion: 1)
    }

    /// Runs live traffic over a fresh store until `paid` payments are made and settled.
    static func run(
        seed: UInt64, paid: Int, configure: (inout LiveTrafficConfiguration) -> Void = { _ in }
    ) async throws -> (PaymentStore, LiveTraffic) {
        let store = PaymentStore()
        var configuration = LiveTrafficConfiguration()
        configuration.seed = seed
        configuration.cancelDelayMin = 0
        configuration.cancelDelayMax = 0.05
        configure(&configuration)
        configuration.rate = 400
        let live = LiveTraffic(
            store: store, storeId: storeId, users: LiveTraffic.standInUsers(seed: 1), configuration: configuration)
        live.start()
        defer { live.stop() }
        try await Poll.until("\(paid) live payments", timeout: .seconds(120), every: .milliseconds(5)) {
            live.counters.paid >= paid
        }
        configuration.rate = 0
        live.configuration = configuration
        try await Poll.until("live traffic settles", timeout: .seconds(120), every: .milliseconds(5)) {
            live.isSettled
        }
        // The driver takes one change at a time and rate 0 is in force: nothing changes any more.
        return (store, live)
    }

    @Test func sameSeedSameSequenceOtherSeedOtherPayments() async throws {
        let (_, a) = try await Self.run(seed: 5, paid: 40)
        let (_, b) = try await Self.run(seed: 5, paid: 40)
        let (_, c) = try await Self.run(seed: 6, paid: 40)
        func key(_ live: LiveTraffic) -> [String] {
            live.records().prefix(40).map {
                "\($0.paymentId) \($0.userId) \($0.packageId) \($0.amount) \($0.cancellations.map(\.amount))"
            }
        }
        #expect(key(a) == key(b))
        #expect(Set(key(a)).isDisjoint(with: Set(key(c))))
    }

    @Test func cancellationsKeepTheMoneyWholeAndTheStoreAgrees() async throws {
        let (store, live) = try await Self.run(seed: 2, paid: 300) {
            $0.cancelRate = 0.3
            $0.partialCancelRate = 0.5
        }
        let records = live.records()
        #expect(records.contains { $0.cancellations.contains(where: \.quiet) })
        for record in records {
            let payment = try #require(store.payment(id: record.paymentId))
            #expect(record.scheduledCancellations == 0)
            #expect(payment.status.rawValue == record.status)
            #expect(payment.amount.paid == record.amount && payment.amount.cancelled == record.cancelledAmount)
            #expect(record.cancelledAmount <= record.amount)
            let full = record.cancellations.filter(\.full)
            #expect(full.count <= 1 && (full.isEmpty || record.cancellations.count == 1))
            if full.isEmpty { #expect(record.cancelledAmount <= record.amount - 100 || record.cancellations.isEmpty) }
            #expect(record.cancellations.allSatisfy { $0.amount > 0 && $0.amount % 100 == 0 })
            #expect(record.cancellations.first?.quiet != true, "the first cancellation always moves the status")
            let events = PaymentEventInfo.events(of: payment)
            #expect(events.map(\.amount) == [record.amount] + record.cancellations.map { -$0.amount })
            #expect(events.map(\.at) == [record.paidAt] + record.cancellations.map(\.at))
            let moved = record.cancellations.last(where: { !$0.quiet })?.at ?? record.paidAt
            #expect(payment.statusChangedAt == moved)
            #expect(payment.customData == "{\"userId\":\"\(record.userId)\",\"packageId\":\"\(record.packageId)\"}")
        }
        #expect(live.counters.paid == records.count)
        #expect(
            live.counters.cancellations + live.counters.partialCancellations
                == records.reduce(0) { $0 + $1.cancellations.count })
    }

    @Test func theLogRoundTripsAndFilters() async throws {
        let (_, live) = try await Self.run(seed: 3, paid: 30) { $0.partialCancelRate = 0.5 }
        let answer = try #require(
            live.control(Self.request("GET", "/_simulator/live/log"), route: "/_simulator/live/log"))
        #expect(answer.status == 200)
        let parsed = try JSONValue.parse(Data(answer.body))["payments"].arrayValue.compactMap(
            LivePaymentRecord.init(json:))
        #expect(parsed == live.records())
        let after = try #require(
            live.control(Self.request("GET", "/_simulator/live/log?after=9"), route: "/_simulator/live/log"))
        let tail = try JSONValue.parse(Data(after.body))["payments"].arrayValue
        #expect(tail.count == live.records().count - 10)
    }

    @Test func putMergesAndRefuses() throws {
        let live = LiveTraffic(store: PaymentStore(), storeId: Self.storeId, users: LiveTraffic.standInUsers(seed: 1))
        func put(_ body: String) -> HTTPResponse {
            live.control(Self.request("PUT", "/_simulator/live", body), route: "/_simulator/live")!
        }
        #expect(put(#"{"cancelRate":0.2,"cancelDelayMax":3}"#).status == 200)
        #expect(put(#"{"webhookLossRate":0.25}"#).status == 200)
        #expect(put(#"{"limit":7}"#).status == 200 && live.configuration.limit == 7)
        #expect(put(#"{"limit":null}"#).status == 200 && live.configuration.limit == nil)
        #expect(live.configuration.cancelRate == 0.2 && live.configuration.cancelDelayMax == 3)
        #expect(live.configuration.webhookLossRate == 0.25)
        for bad in [
            #"{"rate":-1}"#, #"{"rate":true}"#, #"{"limit":-1}"#, #"{"limit":1.5}"#, #"{"seed":-3}"#, #"{"colour":1}"#,
            "[1]", #"{"webhookLossRate":1.5}"#,
            #"{"webhookUrl":"http://127.0.0.1:1/x"}"#,
            #"{"webhookUrl":"https://127.0.0.1:1/x","webhookSecret":"AAAA"}"#,
            #"{"webhookUrl":"http://10.0.0.1:80/x","webhookSecret":"AAAA"}"#,
        ] {
            #expect(put(bad).status == 400, "\(bad)")
        }
        #expect(live.configuration.cancelRate == 0.2, "refused changes change nothing")
        let shown = String(
            decoding: put(#"{"webhookUrl":"http://localhost:8080/hook","webhookSecret":"AAAA"}"#).body, as: UTF8.self)
        #expect(shown.contains(#""webhookSecretSet":true"#) && !shown.contains("AAAA"))
        #expect(live.control(Self.request("DELETE", "/_simulator/live"), route: "/_simulator/live") == nil)
    }

    @Test func flagsConfigureLiveTraffic() throws {
        let o = try SimulatorOptions.parse([
            "--seed", "4", "--live-rate", "12.5", "--live-cancel-rate", "0.1", "--live-partial-cancel-rate", "0.2",
            "--live-quiet-rate", "0", "--live-cancel-delay-min", "1", "--live-cancel-delay-max", "2",
            "--webhook-url", "http://127.0.0.1:9000/hook", "--webhook-loss-rate", "0.3",
        ])
        #expect(o.live.rate == 12.5 && o.live.seed == 4 && o.live.cancelRate == 0.1)
        #expect(o.live.partialCancelRate == 0.2 && o.live.quietPartialCancelRate == 0)
        #expect(o.live.cancelDelayMin == 1 && o.live.cancelDelayMax == 2)
        #expect(o.live.webhookURL == "http://127.0.0.1:9000/hook" && o.live.webhookLossRate == 0.3)
        #expect(try SimulatorOptions.parse(["--seed", "4", "--live-seed", "9"]).live.seed == 9)
        #expect(try SimulatorOptions.parse(["--live-limit", "5"]).live.limit == 5)
        for bad in [
            ["--live-rate", "-1"], ["--webhook-url", "http://example.com/"], ["--live-cancel-rate", "2"],
            ["--live-cancel-delay-min", "3", "--live-cancel-delay-max", "1"],
            ["--live-cancel-rate", "0.6", "--live-partial-cancel-rate", "0.6"],
        ] {
            #expect(throws: SimulatorFailure.self) { try SimulatorOptions.parse(bad) }
        }
        #expect(
            SimulatorOptions.helpText.contains("--live-rate") && SimulatorOptions.helpText.contains("--webhook-url"))
    }
}
