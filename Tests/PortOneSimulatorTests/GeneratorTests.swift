import Foundation
import Testing

@testable import PortOneSimulator

@Suite struct GeneratorTests {
    static let until = Timestamp.parse("2026-11-25T00:00:00Z")!
    static func options(count: Int = 4000, seed: UInt64 = 42) -> GeneratorOptions {
        GeneratorOptions(count: count, seed: seed, until: until)
    }

    static func generate(_ options: GeneratorOptions) -> [SimulatedPayment] {
        let generator = DataSetGenerator(options: options)
        return (0..<options.count).map { generator.payment(at: $0) }
    }

    @Test func sameSeedSameBytes() {
        let a = Self.generate(Self.options(count: 300))
        let b = Self.generate(Self.options(count: 300))
        #expect(a.map { $0.renderJSON() } == b.map { $0.renderJSON() })
        let c = Self.generate(Self.options(count: 300, seed: 43))
        #expect(a.map(\.id) != c.map(\.id))
    }

    @Test func everyStatusAndKindIsPresent() {
        let payments = Self.generate(Self.options())
        let statuses = Set(payments.map(\.status))
        for status in SimulatedPayment.PaymentStatus.allCases {
            #expect(statuses.contains(status), "no \(status.rawValue) payment")
        }
        #expect(payments.contains { $0.version == "V1" })
        #expect(payments.contains { $0.isTest })
        #expect(payments.contains { $0.customData == nil })
        #expect(payments.contains { p in (p.cancellations ?? []).contains { $0.status == "REQUESTED" } })
        #expect(payments.contains { p in (p.cancellations ?? []).contains { $0.status == "FAILED" } })
        #expect(payments.contains { $0.status == .partialCancelled && $0.succeededCancellations.count >= 2 })
        #expect(payments.contains { $0.status == .cancelled && $0.succeededCancellations.count >= 2 })
        let catalogPrices = Set(GeneratorOptions.defaultCatalog.map(\.price))
        #expect(payments.contains { !catalogPrices.contains($0.amount.total) })
        let digits = Set(payments.flatMap { [$0.requestedAt.fractionDigits, $0.statusChangedAt.fractionDigits] })
        #expect(digits.isSuperset(of: [0, 3, 6, 9]))
        let lateRefund = payments.contains { p in
            guard let paidAt = p.paidAt else { return false }
            return p.succeededCancellations.contains {
                $0.effectiveAt.nanoseconds - paidAt.nanoseconds > 14 * 86_400 * 1_000_000_000
            }
        }
        #expect(lateRefund)
    }

    @Test func amountsAndTimesAreConsistent() {
        let options = Self.options()
        for p in Self.generate(options) {
            let succeeded = p.succeededCancellations.reduce(Int64(0)) { $0 + $1.totalAmount }
            #expect(p.amount.cancelled == succeeded, "\(p.id)")
            #expect(succeeded <= p.amount.total, "\(p.id)")
            #expect(p.requestedAt >= options.from && p.updatedAt < options.until, "\(p.id)")
            #expect(p.statusChangedAt >= p.requestedAt, "\(p.id)")
            #expect(p.updatedAt >= p.statusChangedAt, "\(p.id)")
            switch p.status {
            case .ready: #expect(p.statusChangedAt == p.requestedAt)
            case .paid:
                #expect(p.statusChangedAt == p.paidAt)
                #expect(p.disputes != nil)
                #expect(p.amount.cancelled == 0)
            case .failed: #expect(p.statusChangedAt == p.failedAt && p.failure != nil)
            case .cancelled:
                #expect(succeeded == p.amount.total)
                #expect(p.statusChangedAt == p.succeededCancellations.last?.effectiveAt)
            case .partialCancelled:
                #expect(succeeded > 0 && succeeded < p.amount.total)
                #expect(p.statusChangedAt == p.cancelledAt)
            default: #expect(p.channel != nil)
            }
        }
    }

    @Test func buyersReturn() {
        let payments = Self.generate(Self.options(count: 2000))
        var perUser: [String: Int] = [:]
        for p in payments { if let id = p.customer.id { perUser[id, default: 0] += 1 } }
        #expect(perUser.values.filter { $0 >= 3 }.count > 50)
    }

    @Test func renderedJSONDecodesBackToTheSamePayment() throws {
        for p in Self.generate(Self.options(count: 400)) {
            let decoded = try JSONDecoder().decode(SimulatedPayment.self, from: Data(p.renderJSON()))
            #expect(decoded.renderJSON() == p.renderJSON())
        }
    }

    @Test func storeBuildsInParallelAndKeepsRenderedBytes() throws {
        let options = Self.options(count: 5000)
        let generator = DataSetGenerator(options: options)
        let (store, _) = try PaymentStore.build(
            count: options.count, make: { generator.payment(at: $0) }, extract: { _ in Int?.none })
        #expect(store.count == 5000)
        #expect(store.json(id: generator.payment(at: 17).id) == generator.payment(at: 17).renderJSON())
    }
}
