import Foundation

/// One `CreditTransaction` row of the web app's ledger.
public struct LedgerEntry: Sendable, Hashable {
    /// The row's primary key (`CreditTransaction.id`).
    public var id: String
    /// The user whose balance the row moved.
    public var userId: String
    /// Signed credits: positive for grants, negative for spending and deductions.
    public var amount: Int64
    /// The row's type.
    public var type: CreditTransactionType
    /// Free text the writer attached.
    public var description: String?
    /// The PortOne payment id the row belongs to, if any.
    public var paymentId: String?
    /// When the row was written (UTC).
    public var createdAt: Date

    /// Creates a ledger entry.
    public init(
        id: String, userId: String, amount: Int64, type: CreditTransactionType,
        description: String? = nil, paymentId: String? = nil, createdAt: Date
    ) {
        self.id = id
        self.userId = userId
        self.amount = amount
        self.type = type
        self.description = description
        self.paymentId = paymentId
        self.createdAt = createdAt
    }
}
