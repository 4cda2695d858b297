/// Amounts no real payment can have (issue 9): the rules never move credits on them.
extension Reconciler {
    /// What is impossible about a paid payment's amounts, one sentence per problem naming the
    /// field and its numbers (nothing else, so the text is safe in any report); empty when the
    /// amounts can be true.
    ///
    /// Impossible: a negative `amount.total`, `amount.paid` or `amount.cancelled`; `paid` or
    /// `cancelled` above `total`; `SUCCEEDED` cancellations summing to more than `total`; a
    /// cancellation (of any status) with a negative amount. Legitimate and not flagged: `paid`
    /// below `total` (discounts, and `total − cancelled` once partly cancelled), `paid` 0 on a
    /// CANCELLED payment, `cancelled` differing from the succeeded sum (PortOne's running total
    /// may lag a cancellation).
    public static func impossibleAmounts(of payment: PaymentFacts) -> [String] {
        let total = payment.totalAmount
        var problems: [String] = []
        if total < 0 { problems.append("amount.total is \(Wording.grouped(total)), below zero") }
        if payment.paidAmount < 0 {
            problems.append("amount.paid is \(Wording.grouped(payment.paidAmount)), below zero")
        } else if payment.paidAmount > total, total >= 0 {
            problems.append(
                "amount.paid \(Wording.grouped(payment.paidAmount)) exceeds amount.total \(Wording.grouped(total))")
        }
        if payment.cancelledAmount < 0 {
            problems.append("amount.cancelled is \(Wording.grouped(payment.cancelledAmount)), below zero")
        } else if payment.cancelledAmount > total, total >= 0 {
            problems.append(
                "amount.cancelled \(Wording.grouped(payment.cancelledAmount)) exceeds amount.total \(Wording.grouped(total))"
            )
        }
        for (index, cancellation) in payment.cancellations.enumerated() where cancellation.totalAmount < 0 {
            problems.append(
                "cancellations[\(index)].totalAmount is \(Wording.grouped(cancellation.totalAmount)), below zero")
        }
        let succeeded = succeededSum(of: payment)
        if succeeded > total, total >= 0 {
            problems.append(
                "SUCCEEDED cancellations sum to \(succeeded == .max ? "more than \(Wording.grouped(.max))" : Wording.grouped(succeeded)), above amount.total \(Wording.grouped(total))"
            )
        }
        return problems
    }

    /// The `SUCCEEDED` cancellations' amounts summed as sent (negatives included), saturating.
    static func succeededSum(of payment: PaymentFacts) -> Int64 {
        payment.cancellations.filter { $0.status == .succeeded }.reduce(0) { saturatingAdd($0, $1.totalAmount) }
    }
}
