/// One repair unit: a payment of a user (what `RepairWriter` locks, re-reads and writes together).
public struct RepairUnit: Sendable, Hashable {
    /// The user whose `"Credit"` row is locked.
    public var userId: String
    /// The payment whose ledger rows are re-read.
    public var paymentId: String

    /// Creates a unit.
    public init(userId: String, paymentId: String) {
        self.userId = userId
        self.paymentId = paymentId
    }
}
