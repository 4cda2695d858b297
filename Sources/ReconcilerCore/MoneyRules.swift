/// The money rules of ARCHITECTURE §5.2–§5.3, each one named function: what a payment should have
/// granted and deducted, and how much of a deduction a repair may take. Open this file first.
///
/// For a payment of package credits K and total T whose successful cancellations sum to C:
/// - grant: K if the payment was ever paid (``wasEverPaid(_:)``), else 0 (``expectedGrant(credits:for:)``);
/// - deduction: `round(K × C / T)` over the cumulative C with the configured rounding, at most
///   K, exactly K for a full cancellation (``expectedDeduction(credits:cancelled:total:rounding:)``);
/// - a repair never takes back more than the ledger grants for the payment
///   (``cappedDeduction(expected:granted:)``), and under `refundShortfall = clamp` never more
///   than the user holds (``collectible(owed:balance:shortfall:)``).
///
/// Integers only, no floating point; every function is exact for every Int64 input and is
/// checked by a table and, where the definition can be searched, by brute force over small
/// inputs (`MoneyRulesTests`). The decision (``Reconciler/decide(payment:ledger:users:configuration:storeId:now:)``)
/// calls these; nothing else restates them in the product. The simulator's ledger generator
/// keeps its own, deliberately independent statement (`OracleRules` in PortOneSimulator) and a
/// test compares the two over generated data sets.
public enum MoneyRules {
    /// Whether money was ever received for the payment: PAID and PARTIAL_CANCELLED always,
    /// CANCELLED only with `paidAt` (else it was cancelled before any money moved). READY,
    /// PAY_PENDING, VIRTUAL_ACCOUNT_ISSUED, FAILED and statuses this build does not know: never.
    public static func wasEverPaid(_ payment: PaymentFacts) -> Bool {
        switch payment.status {
        case .paid, .partialCancelled: true
        case .cancelled: payment.paidAt != nil
        case .ready, .payPending, .virtualAccountIssued, .failed, .unknown: false
        }
    }

    /// The credits a payment of a package granting `credits` should have granted: all of them
    /// if it was ever paid, else none. A later cancellation does not undo the grant; it is a
    /// deduction of its own (``expectedDeduction(credits:cancelled:total:rounding:)``).
    public static func expectedGrant(credits: Int64, for payment: PaymentFacts) -> Int64 {
        wasEverPaid(payment) ? credits : 0
    }

    /// C of ARCHITECTURE §5.2: the money given back by `SUCCEEDED` cancellations, each taken as at
    /// least 0, summed without overflow and capped at `total`. It is cumulative: the deduction
    /// is computed once over all of them, never per cancellation, so three partial refunds
    /// round once, not three times.
    public static func succeededCancellationTotal(of payment: PaymentFacts) -> Int64 {
        var sum: Int64 = 0
        for cancellation in payment.cancellations where cancellation.status == .succeeded {
            let (next, overflow) = sum.addingReportingOverflow(max(0, cancellation.totalAmount))
            sum = overflow ? .max : next
        }
        return min(sum, max(0, payment.totalAmount))
    }

    /// The credits a payment's successful cancellations take back: `round(K × C / T)` with the
    /// configured rounding, where K = `credits`, C = `cancelled` (clamped to `0...total`) and
    /// T = `total`.
    ///
    /// A full cancellation (C ≥ T) takes back exactly K, and the result never exceeds K. The
    /// product K × C is formed in 128 bits (`multipliedFullWidth`) and divided with
    /// `dividingFullWidth`, so no input overflows; the quotient fits because C ≤ T. `nearest`
    /// rounds halves up. Degenerate inputs (K ≤ 0, T ≤ 0, C ≤ 0) take back nothing.
    public static func expectedDeduction(
        credits: Int64, cancelled: Int64, total: Int64, rounding: Configuration.Rounding
    ) -> Int64 {
        guard credits > 0, total > 0, cancelled > 0 else { return 0 }
        if cancelled >= total { return credits }
        let product = credits.multipliedFullWidth(by: cancelled)
        let (quotient, remainder) = total.dividingFullWidth(product)
        let roundsUp: Bool
        switch rounding {
        case .down: roundsUp = false
        case .up: roundsUp = remainder > 0
        // remainder * 2 >= total, written so that it cannot overflow.
        case .nearest: roundsUp = remainder >= total - remainder
        }
        return min(credits, roundsUp ? quotient + 1 : quotient)
    }

    /// The most a repair may deduct for a payment in all: the expected deduction, capped at the
    /// credits the ledger grants for the payment (`granted`: its PURCHASE rows, or the package's
    /// credits when the same decision grants them), and never below 0.
    ///
    /// A payment whose ledger grants less than K (a wrong grant, a CREDIT_MISMATCH for a person)
    /// must not cost its user the full K: deducting what was never given would punish the user
    /// for the writer's mistake.
    public static func cappedDeduction(expected: Int64, granted: Int64) -> Int64 {
        max(0, min(expected, max(granted, 0)))
    }

    /// How much of a deduction still `owed` a repair takes from a user holding `balance`:
    /// everything under `allowNegative` (the balance may go below zero); under `clamp`, at most
    /// what the user holds (never below 0), the rest being the `REFUND_SHORTFALL` a person
    /// reviews. Nothing is owed (0) for `owed` ≤ 0.
    public static func collectible(owed: Int64, balance: Int64, shortfall: Configuration.RefundShortfall) -> Int64 {
        guard owed > 0 else { return 0 }
        switch shortfall {
        case .allowNegative: return owed
        case .clamp: return min(owed, max(balance, 0))
        }
    }
}
