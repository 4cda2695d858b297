/// What is wrong with a payment, a user or a run, as finance reviews it (ARCHITECTURE §5.3).
///
/// Discrepancies are never repaired automatically: they are opened for review, deduplicated
/// across runs by kind and payment (or user), and closed when a later run no longer sees them.
/// The raw values are the names stored in `reconciler.discrepancy.kind` and shown in reports.
public enum DiscrepancyKind: String, Sendable, Hashable, CaseIterable, Codable {
    /// The amount paid differs from the package's price in force when the payment was requested.
    case amountMismatch = "AMOUNT_MISMATCH"
    /// The payment's currency differs from the package's.
    case currencyMismatch = "CURRENCY_MISMATCH"
    /// Money moved but the payment maps to no user or to no single package.
    case unresolvedPayment = "UNRESOLVED_PAYMENT"
    /// The payment names a user id the application does not have.
    case unknownUser = "UNKNOWN_USER"
    /// A PURCHASE row exists but PortOne says the payment was never paid (or no money moved).
    case grantWithoutPayment = "GRANT_WITHOUT_PAYMENT"
    /// A PURCHASE row names a payment PortOne does not know at all.
    case orphanGrant = "ORPHAN_GRANT"
    /// More than one PURCHASE row for one payment.
    case duplicateGrant = "DUPLICATE_GRANT"
    /// The ledger's credits for a payment differ from what the package and its cancellations
    /// call for (a wrong grant, a deduction beyond what was refunded, or rows of another user).
    case creditMismatch = "CREDIT_MISMATCH"
    /// A refund's deduction could not be collected in full because the balance was too low.
    case refundShortfall = "REFUND_SHORTFALL"
    /// `Credit.balance` differs from the sum of the user's `CreditTransaction` rows.
    case balanceDrift = "BALANCE_DRIFT"
    /// PortOne reported a payment or cancellation status this build does not know.
    case unknownStatus = "UNKNOWN_STATUS"
    /// PortOne returned a payment the reconciler could not read.
    case unparseablePayment = "UNPARSEABLE_PAYMENT"
    /// A run planned more repairs, or a bigger one, than the policy allows: none was applied.
    case fixLimitExceeded = "FIX_LIMIT_EXCEEDED"
    /// After its repairs, a payment the run decided holds credits that differ from what PortOne's
    /// amounts call for, and no open discrepancy names why (DESIGN §4.7): a defect of the reconciler.
    case unexplainedDifference = "UNEXPLAINED_DIFFERENCE"

    /// How urgent the kind is, fixed by kind.
    ///
    /// `critical` means money or credits are at risk right now, in either direction, and only a
    /// person can settle it: a customer paid and holds nothing, or credits exist that nobody
    /// paid for, or repairs are being withheld. `warning` means something needs a look but the
    /// exposure is bounded and already recorded (a shortfall whose size is known, a cached
    /// balance that disagrees with an intact ledger, data this build cannot read). No kind is
    /// `info` today; the level exists for reports and future kinds.
    public var severity: Discrepancy.Severity {
        switch self {
        // The customer paid a price that is not the package's: either an underpayment that must
        // not buy credits, or an overpayment owed back. Money is at risk either way.
        case .amountMismatch: .critical
        // Same as an amount mismatch: the money received is not what the package costs.
        case .currencyMismatch: .critical
        // Money moved and nobody can tell for whom or for what: a paying customer may hold nothing.
        case .unresolvedPayment: .critical
        // A customer paid for an account that does not exist: the money has to go somewhere.
        case .unknownUser: .critical
        // Credits were handed out for money that never arrived.
        case .grantWithoutPayment: .critical
        // Credits were handed out for a payment PortOne has never heard of.
        case .orphanGrant: .critical
        // The same payment bought its credits twice.
        case .duplicateGrant: .critical
        // The ledger gives or takes credits the payment does not justify; never auto-reversed.
        case .creditMismatch: .critical
        // The refund went out and the reconciler took what was there; the rest is a known,
        // bounded loss (credits already spent) for finance to accept or pursue.
        case .refundShortfall: .warning
        // The transaction history, which all payment checks use, is intact; the cached balance
        // disagrees with it and needs a correction by staff.
        case .balanceDrift: .warning
        // No decision was taken on data this build cannot interpret; it needs an update, and the
        // payment is looked at again on every run until then.
        case .unknownStatus: .warning
        // As for an unknown status: the payment was not decided, not mis-decided.
        case .unparseablePayment: .warning
        // Every repair of the run is withheld, so paying customers wait until ops act.
        case .fixLimitExceeded: .critical
        // The reconciler itself left a payment wrong: nothing it decided afterwards can be trusted
        // until a person finds why.
        case .unexplainedDifference: .critical
        }
    }

    /// What a finance reviewer should check before resolving a discrepancy of this kind.
    public var reviewerAction: String {
        switch self {
        case .amountMismatch:
            "Compare the amount paid in the PortOne console with the package price of the day; refund the customer or grant the right package by hand, then resolve."
        case .currencyMismatch:
            "Check the payment's currency in the PortOne console and the catalog; a foreign-currency payment for a KRW package needs a manual refund or grant."
        case .unresolvedPayment:
            "Find the customer and package from the order name, amount and customer details in the PortOne console; grant by hand or refund, then resolve."
        case .unknownUser:
            "Look for the account by e-mail or customer id (it may have been deleted or renamed); grant to the right account or refund the payment."
        case .grantWithoutPayment:
            "Confirm in the PortOne console that no money was received; if so, deduct the credits with an ADJUSTMENT row and find out which writer granted them."
        case .orphanGrant:
            "PortOne has no such payment: check for a test or another store's payment id; deduct the credits with an ADJUSTMENT row if no money was received."
        case .duplicateGrant:
            "Keep one PURCHASE row for the payment and deduct the extra credits with an ADJUSTMENT row; check the webhook handler's idempotence."
        case .creditMismatch:
            "Compare the ledger rows of the payment with the package credits and the refunds in PortOne; correct the difference with an ADJUSTMENT row."
        case .refundShortfall:
            "The customer spent credits that were then refunded; decide whether to accept the loss or contact the customer (chargeback abuse?)."
        case .balanceDrift:
            "Compare Credit.balance with the sum of the user's CreditTransaction rows; find the write that skipped the ledger and correct the balance."
        case .unknownStatus:
            "PortOne reported a status this build does not know; check the payment in the console and upgrade credit-reconciler."
        case .unparseablePayment:
            "PortOne returned a payment the reconciler could not read; check it in the console and report the evidence to the maintainers."
        case .fixLimitExceeded:
            "Review the planned repairs in this run's report; if they are right, rerun with --max-fixes N (or raise maxCreditsPerFix), else find the cause."
        case .unexplainedDifference:
            "The reconciler left this payment's credits different from what PortOne calls for without saying why: compare its ledger rows and the run's fixes with PortOne, correct by hand, and report it to the maintainers."
        }
    }
}
