import Foundation
import ReconcilerCore

/// A repair that committed: its `"CreditTransaction"` row, balance change and `reconciler.fix` row.
public struct AppliedFix: Sendable, Hashable {
    /// `reconciler.fix.id`.
    public var fixId: Int64
    /// The run that applied it.
    public var runId: Int64
    /// The repair.
    public var kind: RepairKind
    /// The payment.
    public var paymentId: String
    /// The cancellation a refund covers.
    public var cancellationId: String?
    /// The user.
    public var userId: String
    /// Signed credits written.
    public var amount: Int64
    /// The magnitude moved.
    public var credits: Int64
    /// The ledger row's type.
    public var type: CreditTransactionType
    /// The `"CreditTransaction".id` written (`rcn_…`).
    public var creditTransactionId: String
    /// The balance before this row.
    public var balanceBefore: Int64
    /// The balance after this row.
    public var balanceAfter: Int64
    /// The ledger row's `"createdAt"` (UTC, millisecond precision).
    public var createdAt: Date

    /// Creates a value.
    public init(
        fixId: Int64, runId: Int64, kind: RepairKind, paymentId: String, cancellationId: String?, userId: String,
        amount: Int64, credits: Int64, type: CreditTransactionType, creditTransactionId: String, balanceBefore: Int64,
        balanceAfter: Int64, createdAt: Date
    ) {
        self.fixId = fixId
        self.runId = runId
        self.kind = kind
        self.paymentId = paymentId
        self.cancellationId = cancellationId
        self.userId = userId
        self.amount = amount
        self.credits = credits
        self.type = type
        self.creditTransactionId = creditTransactionId
        self.balanceBefore = balanceBefore
        self.balanceAfter = balanceAfter
        self.createdAt = createdAt
    }
}
