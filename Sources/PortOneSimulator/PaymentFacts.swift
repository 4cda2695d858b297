import Foundation
import ReconcilerCore

/// What the ledger generator needs to know about one payment.
public struct PaymentFacts: Sendable, Hashable {
    /// Payment id.
    public var id: String
    /// The user (customData.userId, else customer.id).
    public var userId: String?
    /// The customer's email.
    public var email: String?
    /// The customer's name.
    public var name: String?
    /// The package (customData.packageId, else by orderName, else by price).
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
        var custom: [String: Any] = [:]
        if let text = payment.customData,
            let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        {
            custom = object
        }
        userId = (custom["userId"] as? String) ?? payment.customer.id
        email = payment.customer.email
        name = payment.customer.name
        if let packageId = custom["packageId"] as? String {
            package = catalog.first { $0.id == packageId }
        } else if let byName = catalog.first(where: { $0.name == payment.orderName }) {
            package = byName
        } else {
            let byPrice = catalog.filter { $0.price == payment.amount.total }
            package = byPrice.count == 1 ? byPrice[0] : nil
        }
        amountMatches = package.map { $0.price == payment.amount.total && $0.currency == payment.currency } ?? false
        status = payment.status.rawValue
        let paidStatuses: Set<String> = ["PAID", "PARTIAL_CANCELLED", "CANCELLED"]
        paidAt = paidStatuses.contains(status) ? payment.paidAt : nil
        requestedAt = payment.requestedAt
        total = payment.amount.total
        refunds = payment.succeededCancellations.map { Refund(id: $0.id, amount: $0.totalAmount, at: $0.effectiveAt) }
        isTest = payment.isTest
        isV1 = payment.version == "V1"
    }
}
