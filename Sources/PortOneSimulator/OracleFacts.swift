import Foundation
import ReconcilerCore
import WireFormat

/// What the oracle (``OracleRules``) concludes about one payment: the facts the ledger
/// generator writes the web app's ledger from, and the grant and deduction the reconciler must
/// find for it.
///
/// Named apart from ReconcilerCore's `PaymentFacts` on purpose: this is the simulator's own,
/// independent reading of a payment (see ``OracleRules`` for why), not the core's.
public struct OracleFacts: Sendable, Hashable {
    /// Payment id.
    public var id: String
    /// The user (customData.userId, else customer.id).
    public var userId: String?
    /// The customer's email.
    public var email: String?
    /// The customer's name.
    public var name: String?
    /// The package on sale when it was requested (customData.packageId, else by orderName, else
    /// by price: ``OracleRules/package(packageId:orderName:total:requestedAt:catalog:)``).
    public var package: CreditPackage?
    /// Whether amount and currency match the package.
    public var amountMatches: Bool
    /// Status wire value.
    public var status: String
    /// Paid time, when the payment was ever paid.
    public var paidAt: Timestamp?
    /// Request time.
    public var requestedAt: Timestamp
    /// Total amount.
    public var total: Int64
    /// SUCCEEDED cancellations: id, amount, time.
    public var refunds: [Refund]
    /// Test channel.
    public var isTest: Bool
    /// V1 payment.
    public var isV1: Bool

    /// One successful cancellation.
    public struct Refund: Sendable, Hashable {
        /// Cancellation id.
        public var id: String
        /// Amount.
        public var amount: Int64
        /// When.
        public var at: Timestamp
    }

    /// Derives the facts of `payment` against `catalog`.
    public init(_ payment: SimulatedPayment, catalog: [CreditPackage] = GeneratorOptions.defaultCatalog) {
        id = payment.id
        var custom: [String: JSONValue] = [:]
        if let text = payment.customData, let object = (try? JSONValue.parse(Data(text.utf8)))?.objectValue {
            custom = object
        }
        userId = custom["userId"]?.stringValue ?? payment.customer.id
        email = payment.customer.email
        name = payment.customer.name
        package = OracleRules.package(
            packageId: custom["packageId"]?.stringValue, orderName: payment.orderName, total: payment.amount.total,
            requestedAt: payment.requestedAt.nanoseconds, catalog: catalog)
        amountMatches = package.map { $0.price == payment.amount.total && $0.currency == payment.currency } ?? false
        status = payment.status.rawValue
        paidAt = OracleRules.wasPaid(status: payment.status, paidAt: payment.paidAt) ? payment.paidAt : nil
        requestedAt = payment.requestedAt
        total = payment.amount.total
        refunds = payment.succeededCancellations.map { Refund(id: $0.id, amount: $0.totalAmount, at: $0.effectiveAt) }
        isTest = payment.isTest
        isV1 = payment.version == "V1"
    }

    /// The credits the reconciler must find granted for this payment: the package's when it
    /// was paid on a live channel (V2), names a user, and paid the package's price, 0 when no money
    /// that buys credits moved (unpaid, or a test channel), nil when the reconciler takes no
    /// decision (V1 payments, payments without a user or package, amounts that do not match).
    public var expectedGrant: Int64? { expectedCredits.map(\.grant) }

    /// The credits the reconciler must find deducted for this payment's successful
    /// cancellations (``OracleRules/deduction(credits:cancelled:total:)``); nil as for
    /// ``expectedGrant``.
    public var expectedDeduction: Int64? { expectedCredits.map(\.deduction) }

    private var expectedCredits: (grant: Int64, deduction: Int64)? {
        if isV1 { return nil }
        if paidAt == nil || isTest { return (0, 0) }
        guard userId != nil, let package, amountMatches else { return nil }
        let cancelled = refunds.reduce(Int64(0)) { $0 + $1.amount }
        return (package.credits, OracleRules.deduction(credits: package.credits, cancelled: cancelled, total: total))
    }
}
