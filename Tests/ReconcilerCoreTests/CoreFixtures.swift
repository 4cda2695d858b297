import Foundation
import ReconcilerCore
import WireFormat

/// Shared values for the core's decision tables: one store, one catalog, one clock.
enum Fixture {
    static let store = "store-00000000-0000-4000-8000-000000000001"
    static let now = instant("2026-11-26T03:00:00Z")
    /// The day the business package changed price (KST midnight).
    static let priceChange = instant("2026-06-01T00:00:00+09:00")

    static let catalog: [CreditPackage] = [
        CreditPackage(id: "starter", name: "스타터", price: 10_000, currency: "KRW", credits: 100),
        CreditPackage(id: "basic", name: "베이직", price: 30_000, currency: "KRW", credits: 330),
        CreditPackage(id: "pro", name: "프로", price: 50_000, currency: "KRW", credits: 600),
        CreditPackage(
            id: "business", name: "비즈니스", price: 100_000, currency: "KRW", credits: 1200,
            validUntil: priceChange.date),
        CreditPackage(
            id: "business", name: "비즈니스", price: 120_000, currency: "KRW", credits: 1300,
            validFrom: priceChange.date),
    ]

    static let users: [String: UserAccount] = [
        "user_1": UserAccount(id: "user_1", email: "kim@example.kr", balance: 1000)
    ]

    static func instant(_ text: String) -> RFC3339.Timestamp {
        try! RFC3339.parse(text)
    }

    static func ago(seconds: Int64) -> RFC3339.Timestamp {
        RFC3339.Timestamp(secondsSinceEpoch: now.secondsSinceEpoch - seconds)
    }

    static func users(balance: Int64?) -> [String: UserAccount] {
        ["user_1": UserAccount(id: "user_1", email: "kim@example.kr", balance: balance)]
    }

    static func configuration(_ change: (inout Configuration.Policy) -> Void = { _ in }) -> Configuration {
        Configuration(catalog: catalog, policy: policy(change))
    }

    static func policy(_ change: (inout Configuration.Policy) -> Void = { _ in }) -> Configuration.Policy {
        var policy = Configuration.Policy()
        change(&policy)
        return policy
    }

    /// A payment for a catalog package, as the web app requests it: customData names the user
    /// and the package, the order name is the package's name, the amount its price.
    static func payment(
        _ packageId: String = "starter", id: String = "pay_1", status: PaymentFacts.Status = .paid,
        amount: Int64? = nil, currency: String = "KRW", cancellations: [PaymentFacts.Cancellation] = [],
        requestedAt: RFC3339.Timestamp = ago(seconds: 7200), statusChangedAt: RFC3339.Timestamp = ago(seconds: 3600),
        paid: Bool = true, channel: PaymentFacts.Channel = .live, isV1: Bool = false, storeId: String = store,
        customDataUserId: String? = "user_1", customDataPackageId: String? = nil, packageInCustomData: Bool = true,
        customerId: String? = nil,
        orderName: String? = nil, paidAmount: Int64? = nil, cancelledAmount: Int64? = nil,
        customDataProblem: String? = nil
    ) -> PaymentFacts {
        let package = catalog.first { $0.id == packageId && inForce($0, at: requestedAt) }
        let total = amount ?? package?.price ?? 0
        let succeeded = cancellations.filter { $0.status == .succeeded }.reduce(Int64(0)) {
            let (sum, overflow) = $0.addingReportingOverflow($1.totalAmount)
            return overflow ? .max : sum
        }
        return PaymentFacts(
            id: id, status: status, storeId: storeId, isV1: isV1, channel: channel, requestedAt: requestedAt,
            statusChangedAt: statusChangedAt, paidAt: paid ? requestedAt.adding(nanoseconds: 30_000_000_000) : nil,
            orderName: orderName ?? package?.name ?? packageId, currency: currency,
            totalAmount: total, cancelledAmount: cancelledAmount ?? succeeded,
            paidAmount: paidAmount ?? (paid ? max(0, total - (cancelledAmount ?? succeeded)) : 0),
            cancellations: cancellations, customDataUserId: customDataUserId,
            customDataPackageId: packageInCustomData ? (customDataPackageId ?? packageId) : nil,
            customDataProblem: customDataProblem, customerId: customerId, customerEmail: "kim@example.kr")
    }

    /// Exact validity (a `Date` cannot tell a nanosecond before the price change from the change).
    static func inForce(_ package: CreditPackage, at instant: RFC3339.Timestamp) -> Bool {
        if let from = package.validFrom, instant < RFC3339.Timestamp(from) { return false }
        if let until = package.validUntil, instant >= RFC3339.Timestamp(until) { return false }
        return true
    }

    static func cancellation(
        _ id: String, _ amount: Int64, _ status: PaymentFacts.Cancellation.Status = .succeeded, minutesAgo: Int64 = 30
    ) -> PaymentFacts.Cancellation {
        PaymentFacts.Cancellation(
            id: id, status: status, totalAmount: amount, requestedAt: ago(seconds: minutesAgo * 60),
            cancelledAt: status == .succeeded ? ago(seconds: minutesAgo * 60 - 5) : nil, trigger: "CONSOLE")
    }

    static func purchase(
        _ credits: Int64, id: String = "tx_purchase", user: String = "user_1", payment: String = "pay_1"
    )
        -> LedgerEntry
    {
        LedgerEntry(
            id: id, userId: user, amount: credits, type: .purchase, description: "webhook", paymentId: payment,
            createdAt: Date(timeIntervalSince1970: 1_764_000_000))
    }

    /// A REFUND row deducting `credits` (stored as a negative amount).
    static func refund(_ credits: Int64, id: String = "tx_refund", user: String = "user_1", payment: String = "pay_1")
        -> LedgerEntry
    {
        LedgerEntry(
            id: id, userId: user, amount: -credits, type: .refund, description: "refund", paymentId: payment,
            createdAt: Date(timeIntervalSince1970: 1_764_000_100))
    }

    static func decide(
        _ payment: PaymentFacts, ledger: [LedgerEntry] = [], users: [String: UserAccount] = users,
        policy: Configuration.Policy = Configuration.Policy(), now: RFC3339.Timestamp = now
    ) -> PaymentOutcome {
        Reconciler.decide(
            payment: payment, ledger: ledger, users: users,
            configuration: Configuration(catalog: catalog, policy: policy),
            storeId: store, now: now)
    }
}
