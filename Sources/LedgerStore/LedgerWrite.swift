import ReconcilerCore

/// One ledger row a repair writes, as the engine decided it on fresh data.
public struct LedgerWrite: Sendable, Hashable {
    /// The user whose balance moves (must be the repair unit's user).
    public var userId: String
    /// The PortOne payment (must be the repair unit's payment).
    public var paymentId: String
    /// Signed credits: positive for a grant (PURCHASE), negative for a deduction (REFUND).
    public var amount: Int64
    /// `.purchase` for `MISSED_GRANT`, `.refund` for `MISSED_REFUND`.
    public var type: CreditTransactionType
    /// `"CreditTransaction".description`, e.g. `프로 패키지 구매 (reconciled)`.
    public var description: String?
    /// The repair it is.
    public var fixKind: RepairKind
    /// The newest PortOne cancellation a refund covers (nil for grants).
    public var cancellationId: String?

    /// Creates a write.
    public init(
        userId: String, paymentId: String, amount: Int64, type: CreditTransactionType, description: String?,
        fixKind: RepairKind, cancellationId: String? = nil
    ) {
        self.userId = userId
        self.paymentId = paymentId
        self.amount = amount
        self.type = type
        self.description = description
        self.fixKind = fixKind
        self.cancellationId = cancellationId
    }

    /// A PURCHASE of `credits` for a missed grant.
    public static func grant(userId: String, paymentId: String, credits: Int64, description: String?) -> LedgerWrite {
        LedgerWrite(
            userId: userId, paymentId: paymentId, amount: credits, type: .purchase, description: description,
            fixKind: .missedGrant)
    }

    /// A REFUND of −`credits` for a missed refund deduction.
    public static func deduction(
        userId: String, paymentId: String, credits: Int64, description: String?, cancellationId: String?
    ) -> LedgerWrite {
        LedgerWrite(
            userId: userId, paymentId: paymentId, amount: -credits, type: .refund, description: description,
            fixKind: .missedRefund, cancellationId: cancellationId)
    }

    /// The magnitude moved (`reconciler.fix.credits`).
    public var credits: Int64 { amount.magnitude <= UInt64(Int64.max) ? Int64(amount.magnitude) : Int64.max }
}
