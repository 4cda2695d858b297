import Foundation
import WireFormat

/// One payment's ledger in a few numbers, as PostgreSQL sums it in one set-based statement per
/// scan page: enough to recognise the payments that are in order (most of them) without
/// reading their rows or their users' accounts (``Reconciler/decideClean(payment:summary:configuration:storeId:now:)``).
public struct LedgerSummary: Sendable, Hashable {
    /// `"CreditTransaction"` rows with the payment's id, of any type.
    public var rows: Int
    /// PURCHASE rows.
    public var purchases: Int
    /// Sum of the PURCHASE rows' amounts.
    public var purchaseTotal: Int64
    /// REFUND rows.
    public var refunds: Int
    /// Sum of the REFUND rows' amounts (negative for deductions).
    public var refundTotal: Int64
    /// The smallest and the largest `userId` of the PURCHASE and REFUND rows, in byte order
    /// (equal when one user wrote them all; nil without such rows).
    public var lowestUserId: String?
    /// See ``lowestUserId``.
    public var highestUserId: String?
    /// Whether an open discrepancy names the payment (a clean decision must then close it).
    public var hasOpenDiscrepancy: Bool

    /// A summary from its parts.
    public init(
        rows: Int, purchases: Int, purchaseTotal: Int64, refunds: Int, refundTotal: Int64, lowestUserId: String?,
        highestUserId: String?, hasOpenDiscrepancy: Bool
    ) {
        self.rows = rows
        self.purchases = purchases
        self.purchaseTotal = purchaseTotal
        self.refunds = refunds
        self.refundTotal = refundTotal
        self.lowestUserId = lowestUserId
        self.highestUserId = highestUserId
        self.hasOpenDiscrepancy = hasOpenDiscrepancy
    }

    /// The summary of `ledger`'s rows of payment `paymentId` (what the database computes).
    public init(paymentId: String, ledger: [LedgerEntry], hasOpenDiscrepancy: Bool = false) {
        let rows = ledger.filter { $0.paymentId == paymentId }
        let counted = rows.filter { $0.type == .purchase || $0.type == .refund }
        let purchases = counted.filter { $0.type == .purchase }
        let refunds = counted.filter { $0.type == .refund }
        let users = counted.map(\.userId)
        let byBytes = { (a: String, b: String) in a.utf8.lexicographicallyPrecedes(b.utf8) }
        self.init(
            rows: rows.count, purchases: purchases.count,
            purchaseTotal: purchases.reduce(0) { Reconciler.saturatingAdd($0, $1.amount) }, refunds: refunds.count,
            refundTotal: refunds.reduce(0) { Reconciler.saturatingAdd($0, $1.amount) },
            lowestUserId: users.min(by: byBytes), highestUserId: users.max(by: byBytes),
            hasOpenDiscrepancy: hasOpenDiscrepancy)
    }

    /// Stand-in PURCHASE and REFUND rows with this summary's counts, sums and user: the first
    /// row of each type carries the type's sum, the others zero. The decision reads no more of
    /// a ledger than that (counts, sums, whose rows they are) unless it finds something to
    /// report, and then the real rows are read.
    func standInRows(paymentId: String, userId: String) -> [LedgerEntry] {
        var rows: [LedgerEntry] = []
        let epoch = Date(timeIntervalSince1970: 0)
        for index in 0..<purchases {
            rows.append(
                LedgerEntry(
                    id: "summary-purchase-\(index)", userId: userId, amount: index == 0 ? purchaseTotal : 0,
                    type: .purchase, description: nil, paymentId: paymentId, createdAt: epoch))
        }
        for index in 0..<refunds {
            rows.append(
                LedgerEntry(
                    id: "summary-refund-\(index)", userId: userId, amount: index == 0 ? refundTotal : 0,
                    type: .refund, description: nil, paymentId: paymentId, createdAt: epoch))
        }
        return rows
    }
}

extension Reconciler {
    /// The outcome ``decide(payment:ledger:users:configuration:storeId:now:)`` gives for
    /// `payment` when its ledger is in order, known from the ledger's `summary` alone: returned
    /// only when that decision has **no repair and no discrepancy** (matched, not paid and
    /// without rows, in flight, V1, …); nil when the payment needs its rows and its user's
    /// account to be decided (a repair to plan, something to report, or anything the summary
    /// cannot prove).
    ///
    /// It runs the one decision (the money rules stay in ``MoneyRules`` and `PaymentDecision`)
    /// on stand-in rows with the summary's counts and sums (``LedgerSummary/standInRows(paymentId:userId:)``).
    /// The user's account enters only as present or absent (its balance matters only when
    /// something is owed, which is always a repair or a `REFUND_SHORTFALL`): present when
    /// PURCHASE or REFUND rows exist and one user wrote them all, since the app's foreign key
    /// `"CreditTransaction"."userId" → "User"` proves that user exists; a paid payment without
    /// such rows, or with rows of several users, is left to the full decision.
    /// `ReconcilerCoreTests.DecideCleanTests` checks over generated payments and ledgers that
    /// a returned outcome equals the full decision's.
    public static func decideClean(
        payment: PaymentFacts, summary: LedgerSummary, configuration: Configuration, storeId: String,
        now: RFC3339.Timestamp
    ) -> PaymentOutcome? {
        var users: [String: UserAccount] = [:]
        var rows: [LedgerEntry] = []
        if summary.purchases + summary.refunds > 0 {
            guard let user = summary.lowestUserId, user == summary.highestUserId else { return nil }
            users[user] = UserAccount(id: user, balance: nil)
            rows = summary.standInRows(paymentId: payment.id, userId: user)
        }
        let outcome = decide(
            payment: payment, ledger: rows, users: users, configuration: configuration, storeId: storeId, now: now)
        guard outcome.repairs.isEmpty, outcome.discrepancies.isEmpty else { return nil }
        return outcome
    }
}
