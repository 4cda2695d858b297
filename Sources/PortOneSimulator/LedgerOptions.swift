/// Which mistakes the emitted web-app ledger contains (shares 0...1).
public struct LedgerOptions: Sendable, Hashable {
    /// Share of paid live payments whose grant the app never wrote (lost webhook).
    public var lostGrantRate = 0.02
    /// Share of successful refunds the app never deducted (default 1: the app never deducts).
    public var missedRefundRate = 1.0
    /// Share of grants written twice.
    public var duplicateGrantRate = 0.002
    /// Share of grants with the credits of another package.
    public var wrongCreditsRate = 0.002
    /// Grants with no paid payment behind them, per payment.
    public var phantomGrantRate = 0.001
    /// Share of users whose `Credit.balance` differs from the sum of their rows.
    public var balanceDriftRate = 0.005
    /// Share of users whose account the app deleted (absent from `User`; their paid payments
    /// are `UNKNOWN_USER`).
    public var deletedUserRate = 0.001

    /// Creates the defaults.
    public init() {}
}
