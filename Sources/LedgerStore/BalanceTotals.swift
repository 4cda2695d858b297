/// A user's stored balance next to the sum of their ledger rows, for `BALANCE_DRIFT`.
public struct BalanceTotals: Sendable, Hashable {
    /// `"User".id` (or the asked-for id when the user does not exist).
    public var userId: String
    /// Whether a `"User"` row exists.
    public var userExists: Bool
    /// `"Credit".balance`, nil when there is no `"Credit"` row.
    public var balance: Int64?
    /// `sum("CreditTransaction".amount)` of the user, 0 without rows.
    public var transactionSum: Int64
    /// How many `"CreditTransaction"` rows the user has.
    public var transactionCount: Int

    /// Creates a totals value.
    public init(userId: String, userExists: Bool, balance: Int64?, transactionSum: Int64, transactionCount: Int) {
        self.userId = userId
        self.userExists = userExists
        self.balance = balance
        self.transactionSum = transactionSum
        self.transactionCount = transactionCount
    }

    /// `balance − transactionSum` (a missing `"Credit"` row counts as balance 0).
    public var drift: Int64 { (balance ?? 0) - transactionSum }
}
