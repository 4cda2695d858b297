/// The arithmetic of DESIGN §4.2: integers only, exact for every Int64 input.
extension Reconciler {
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

    /// C of DESIGN §4.2: the money given back by `SUCCEEDED` cancellations, each taken as at
    /// least 0, summed without overflow and capped at `total`.
    public static func succeededCancellationTotal(of payment: PaymentFacts) -> Int64 {
        var sum: Int64 = 0
        for cancellation in payment.cancellations where cancellation.status == .succeeded {
            let (next, overflow) = sum.addingReportingOverflow(max(0, cancellation.totalAmount))
            sum = overflow ? .max : next
        }
        return min(sum, max(0, payment.totalAmount))
    }
}
