import WireFormat

/// How a decided payment stands after a run's repairs (DESIGN §4.7).
public enum PaymentClosure: String, Sendable, Hashable, CaseIterable {
    /// The ledger's credits for the payment (PURCHASE minus REFUND) equal what PortOne's paid
    /// and cancelled amounts call for.
    case closedExactly
    /// They differ, and an open discrepancy (or a repair left for review) names why.
    case explained
    /// They differ and nothing says why: a defect of the reconciler (`UNEXPLAINED_DIFFERENCE`).
    case unexplained

    /// The verdict for a payment whose decision called for `expectedGrant` and
    /// `expectedDeduction` credits, when the ledger holds `ledgerPurchase` (sum of PURCHASE rows)
    /// and `ledgerRefund` (sum of REFUND rows, zero or negative); `explained` says whether an
    /// open discrepancy or a withheld repair names the difference.
    public static func verdict(
        expectedGrant: Int64, expectedDeduction: Int64, ledgerPurchase: Int64, ledgerRefund: Int64, explained: Bool
    ) -> PaymentClosure {
        if expectedGrant - expectedDeduction == ledgerPurchase + ledgerRefund { return .closedExactly }
        return explained ? .explained : .unexplained
    }

    /// The discrepancy an unexplained payment opens.
    public static func unexplainedDifference(
        paymentId: String, userId: String?, expectedGrant: Int64, expectedDeduction: Int64, ledgerPurchase: Int64,
        ledgerRefund: Int64
    ) -> Discrepancy {
        Discrepancy(
            kind: .unexplainedDifference, paymentId: paymentId, userId: userId,
            expected: .object([
                "credits": .integer(expectedGrant - expectedDeduction), "granted": .integer(expectedGrant),
                "deducted": .integer(expectedDeduction),
            ]),
            actual: .object([
                "credits": .integer(ledgerPurchase + ledgerRefund), "purchase": .integer(ledgerPurchase),
                "refund": .integer(ledgerRefund),
            ]),
            detail:
                "after the run's repairs the ledger holds \(ledgerPurchase + ledgerRefund) credits for payment \(paymentId), "
                + "PortOne's amounts call for \(expectedGrant - expectedDeduction), and no open discrepancy says why")
    }
}
