/// The checks that do not start from a PortOne payment.
extension Reconciler {
    /// A ledger payment id that PortOne answers 404 for: `ORPHAN_GRANT` when the ledger grants
    /// credits for it (any PURCHASE row), else nil (REFUND or other rows alone grant nothing).
    ///
    /// Only call this on a definite "not found" for our store, never on a transport error.
    public static func decideOrphan(paymentId: String, ledger: [LedgerEntry]) -> Discrepancy? {
        let rows = ledger.filter { $0.paymentId == paymentId }
        let purchases = rows.filter { $0.type == .purchase }
        guard let first = purchases.first else { return nil }
        let granted = purchases.reduce(0) { saturatingAdd($0, $1.amount) }
        let owners = Set(purchases.map(\.userId)).sorted()
        return Discrepancy(
            kind: .orphanGrant, paymentId: paymentId, userId: first.userId,
            expected: object(["paymentExists": .bool(true)]),
            actual: object([
                "paymentExists": .bool(false), "creditsGranted": .integer(granted),
                "purchaseRows": .integer(Int64(purchases.count)), "userIds": .array(owners.map { .string($0) }),
                "transactionIds": .array(purchases.map { .string($0.id) }),
            ]),
            detail:
                "The ledger grants \(Wording.credits(granted)) to \(owners.joined(separator: ", ")) for payment \(paymentId), which PortOne does not know."
        )
    }

    /// `BALANCE_DRIFT` when the user's `Credit.balance` differs from the sum of all their
    /// `CreditTransaction` amounts, else nil. A user without a `Credit` row counts as balance 0,
    /// so transactions without a balance row are drift too.
    ///
    /// Take both numbers from one snapshot (one transaction), or a concurrent spend shows as drift.
    public static func checkBalance(user: UserAccount, transactionSum: Int64) -> Discrepancy? {
        let balance = user.balance ?? 0
        guard balance != transactionSum else { return nil }
        let (difference, overflow) = balance.subtractingReportingOverflow(transactionSum)
        return Discrepancy(
            kind: .balanceDrift, paymentId: nil, userId: user.id,
            expected: object(["balance": .integer(transactionSum)]),
            actual: object([
                "balance": .integer(balance), "difference": overflow ? .null : .integer(difference),
                "hasCreditRow": .bool(user.balance != nil),
            ]),
            detail:
                "User \(user.id)\(user.email.map { " (\($0))" } ?? "") has a balance of \(Wording.credits(balance))\(user.balance == nil ? " (no Credit row)" : ""), but their transactions sum to \(Wording.credits(transactionSum))."
        )
    }

    /// `UNPARSEABLE_PAYMENT` for a payment PortOne returned that could not be read; `reason`
    /// says what was wrong (never the raw body: the engine keeps that as evidence).
    public static func unparseable(paymentId: String?, reason: String) -> Discrepancy {
        Discrepancy(
            kind: .unparseablePayment, paymentId: paymentId, userId: nil,
            expected: object(["readable": .bool(true)]),
            actual: object(["readable": .bool(false), "reason": .string(reason)]),
            detail:
                "PortOne returned payment \(paymentId ?? "(id unreadable)") in a form the reconciler cannot read: \(reason)."
        )
    }
}
