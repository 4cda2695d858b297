import ReconcilerCore
import Testing
import WireFormat

@Suite struct PackageResolutionTests {
    typealias F = Fixture

    static let promo = CreditPackage(
        id: "promo", name: "프로 이벤트", price: 50_000, currency: "KRW", credits: 700,
        validFrom: F.instant("2026-11-01T00:00:00+09:00").date, validUntil: F.instant("2026-12-01T00:00:00+09:00").date)
    static let catalog = F.catalog + [promo]

    struct Row: Sendable, CustomTestStringConvertible {
        var name: String
        var payment: PaymentFacts
        var expected: PackageResolution
        var testDescription: String { name }
    }

    static func package(_ id: String, at instant: RFC3339.Timestamp = F.ago(seconds: 7200)) -> CreditPackage {
        catalog.first { $0.id == id && F.inForce($0, at: instant) }!
    }

    static let rows: [Row] = [
        Row(
            name: "customData.packageId wins", payment: F.payment("pro"),
            expected: .found(package("pro"), by: .customDataPackageId)),
        Row(
            name: "customData.packageId wins even against the price",
            payment: F.payment("pro", amount: 10_000), expected: .found(package("pro"), by: .customDataPackageId)),
        Row(
            name: "unknown customData.packageId is unknown, never handed over to orderName",
            payment: F.payment("basic", customDataPackageId: "gold"), expected: .unknownPackageId("gold")),
        Row(
            name: "customData package not in force then is unknown, never handed over to orderName",
            payment: F.payment("basic", requestedAt: F.instant("2026-10-01T00:00:00Z"), customDataPackageId: "promo"),
            expected: .unknownPackageId("promo")),
        Row(
            name: "an empty customData.packageId counts as absent",
            payment: F.payment("basic", customDataPackageId: ""), expected: .found(package("basic"), by: .orderName)),
        Row(
            name: "orderName", payment: F.payment("basic", packageInCustomData: false),
            expected: .found(package("basic"), by: .orderName)),
        Row(
            name: "price when the name is unknown",
            payment: F.payment("basic", packageInCustomData: false, orderName: "크레딧"),
            expected: .found(package("basic"), by: .price)),
        Row(
            name: "two packages at the price in force: ambiguous",
            payment: F.payment("pro", packageInCustomData: false, orderName: "크레딧"),
            expected: .ambiguous(["pro", "promo"])),
        Row(
            name: "the same price before the promotion: only pro",
            payment: F.payment(
                "pro", requestedAt: F.instant("2026-10-31T14:59:59Z"), packageInCustomData: false, orderName: "크레딧"),
            expected: .found(package("pro", at: F.instant("2026-10-31T14:59:59Z")), by: .price)),
        Row(
            name: "nothing fits", payment: F.payment("pro", amount: 1, packageInCustomData: false, orderName: "크레딧"),
            expected: .notFound),
        Row(
            name: "the business price in force at the request",
            payment: F.payment(
                "business", requestedAt: F.priceChange.adding(nanoseconds: -1), packageInCustomData: false),
            expected: .found(package("business", at: F.priceChange.adding(nanoseconds: -1)), by: .orderName)),
    ]

    @Test(arguments: rows)
    func resolves(_ row: Row) {
        #expect(PackageResolution.resolve(for: row.payment, in: Self.catalog) == row.expected)
    }

    /// The decision on `payment` with no ledger row yet, against this suite's catalog.
    static func decideWithoutLedger(_ payment: PaymentFacts) -> PaymentOutcome {
        Reconciler.decide(
            payment: payment, ledger: [], users: F.users, configuration: Configuration(catalog: catalog),
            storeId: F.store, now: F.now)
    }

    @Test func ambiguousPriceLeavesThePaymentUnresolved() throws {
        let payment = F.payment("pro", packageInCustomData: false, orderName: "크레딧")
        let outcome = Self.decideWithoutLedger(payment)
        #expect(outcome.classification == .discrepancy)
        #expect(outcome.repairs.isEmpty)
        let unresolved = try #require(outcome.discrepancies.first)
        #expect(outcome.discrepancies.count == 1)
        #expect(unresolved.kind == .unresolvedPayment)
        guard case .object(let actual) = unresolved.actual else {
            Issue.record("actual must be an object")
            return
        }
        #expect(actual["ambiguousPackages"] == .array([.string("pro"), .string("promo")]))
        #expect(actual["userResolved"] == .bool(true))
        #expect(actual["packageResolved"] == .bool(false))
        #expect(unresolved.detail.contains("several catalog packages (pro, promo)"))
    }

    @Test func aPackageOutOfForceIsNamedNotReplacedByOneOfTheSamePrice() throws {
        let payment = F.payment("pro", requestedAt: F.instant("2026-10-01T00:00:00Z"), customDataPackageId: "promo")
        let outcome = Self.decideWithoutLedger(payment)
        #expect(outcome.classification == .discrepancy)
        #expect(outcome.repairs.isEmpty)
        let unresolved = try #require(outcome.discrepancies.first)
        #expect(outcome.discrepancies.map(\.kind) == [.unresolvedPayment])
        #expect(
            unresolved.detail.contains(
                "customData.packageId is \"promo\", which was not in force at its request time 2026-10-01T00:00:00Z"),
            "\(unresolved.detail)")
    }
}
