import ReconcilerCore

/// What a repair's decision sees inside its transaction, with the user's `"Credit"` row locked.
public struct RepairSnapshot: Sendable, Hashable {
    /// The user.
    public var userId: String
    /// The payment.
    public var paymentId: String
    /// `"Credit".balance` under the row lock; nil when the user does not exist (no `"User"`
    /// row, so no `"Credit"` row can be made: write nothing).
    public var lockedBalance: Int64?
    /// Whether the `"Credit"` row was missing and made here with balance 0 (rolled back again
    /// when nothing is written).
    public var creditRowCreated: Bool
    /// Every ledger row of the payment, read after the lock was taken (so it includes
    /// whatever a webhook or an earlier, crashed run committed), oldest first.
    public var freshLedger: [LedgerEntry]

    /// Creates a snapshot.
    public init(
        userId: String, paymentId: String, lockedBalance: Int64?, creditRowCreated: Bool, freshLedger: [LedgerEntry]
    ) {
        self.userId = userId
        self.paymentId = paymentId
        self.lockedBalance = lockedBalance
        self.creditRowCreated = creditRowCreated
        self.freshLedger = freshLedger
    }
}
