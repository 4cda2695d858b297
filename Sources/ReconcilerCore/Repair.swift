/// One ledger repair the rules call for: a PURCHASE or REFUND row for one payment.
///
/// A repair moves the ledger by the difference between what a payment should have produced and
/// what the ledger holds (ARCHITECTURE §5.2), so deciding again after it is applied yields nothing.
/// The engine writes ``ledgerAmount`` as `CreditTransaction.amount`, adds it to `Credit.balance`
/// and records the fix, all in one transaction, after deciding again on fresh data.
public struct Repair: Sendable, Hashable {
    /// `MISSED_GRANT` or `MISSED_REFUND`.
    public var kind: RepairKind
    /// The PortOne payment the row belongs to (`CreditTransaction.paymentId`).
    public var paymentId: String
    /// The user whose balance moves.
    public var userId: String
    /// The catalog package the payment bought.
    public var packageId: String
    /// How many credits move: always positive.
    public var credits: Int64
    /// The signed `CreditTransaction.amount`: `+credits` for a grant, `-credits` for a refund.
    public var ledgerAmount: Int64
    /// For `MISSED_REFUND`: the newest `SUCCEEDED` cancellation the deduction covers (the
    /// evidence for `reconciler.fix.cancellation_id`); nil for a grant.
    public var cancellationId: String?
    /// The text for `CreditTransaction.description`: what the shop's customer reads in their
    /// credit history (``LedgerDescriptions``), never an internal word or the payment id.
    public var description: String
    /// Whether apply mode may write it: its kind is in `policy.autoFix` (and, for a refund that
    /// depends on a grant made by the same decision, that grant is applicable too). Repairs that
    /// are not applicable are still reported, as planned.
    public var isAutoApplicable: Bool
    /// For `MISSED_GRANT`: why the web app never granted it, from PortOne's webhook record.
    public var cause: GrantCause?
    /// For `MISSED_REFUND`: who started the cancellation the deduction collects for.
    public var origin: DeductionOrigin?

    /// Creates a repair.
    public init(
        kind: RepairKind, paymentId: String, userId: String, packageId: String, credits: Int64,
        ledgerAmount: Int64, cancellationId: String?, description: String, isAutoApplicable: Bool,
        cause: GrantCause? = nil, origin: DeductionOrigin? = nil
    ) {
        self.kind = kind
        self.paymentId = paymentId
        self.userId = userId
        self.packageId = packageId
        self.credits = credits
        self.ledgerAmount = ledgerAmount
        self.cancellationId = cancellationId
        self.description = description
        self.isAutoApplicable = isAutoApplicable
        self.cause = cause
        self.origin = origin
    }

    /// The `CreditTransaction.type` of the row the repair writes: PURCHASE or REFUND.
    public var transactionType: CreditTransactionType {
        switch kind {
        case .missedGrant: .purchase
        case .missedRefund: .refund
        }
    }
}
