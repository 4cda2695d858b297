import ReconcilerCore
import Testing

@Suite struct DiscrepancyKindTests {
    @Test(arguments: [
        (DiscrepancyKind.amountMismatch, "AMOUNT_MISMATCH", Discrepancy.Severity.critical),
        (.currencyMismatch, "CURRENCY_MISMATCH", .critical),
        (.unresolvedPayment, "UNRESOLVED_PAYMENT", .critical),
        (.unknownUser, "UNKNOWN_USER", .critical),
        (.grantWithoutPayment, "GRANT_WITHOUT_PAYMENT", .critical),
        (.orphanGrant, "ORPHAN_GRANT", .critical),
        (.duplicateGrant, "DUPLICATE_GRANT", .critical),
        (.creditMismatch, "CREDIT_MISMATCH", .critical),
        (.refundShortfall, "REFUND_SHORTFALL", .warning),
        (.balanceDrift, "BALANCE_DRIFT", .warning),
        (.unknownStatus, "UNKNOWN_STATUS", .warning),
        (.unparseablePayment, "UNPARSEABLE_PAYMENT", .warning),
        (.fixLimitExceeded, "FIX_LIMIT_EXCEEDED", .critical),
        (.unexplainedDifference, "UNEXPLAINED_DIFFERENCE", .critical),
    ])
    func nameAndSeverityAreFixedByKind(kind: DiscrepancyKind, name: String, severity: Discrepancy.Severity) {
        #expect(kind.rawValue == name)
        #expect(DiscrepancyKind(rawValue: name) == kind)
        #expect(kind.severity == severity)
        #expect(kind.reviewerAction.count > 40)
        #expect(kind.reviewerAction.hasSuffix("."))
    }

    @Test func everyKindIsInTheTableAndActionsDiffer() {
        #expect(DiscrepancyKind.allCases.count == 14)
        #expect(Set(DiscrepancyKind.allCases.map(\.reviewerAction)).count == 14)
    }

    @Test func severitiesSortMostUrgentFirst() {
        #expect([Discrepancy.Severity.info, .critical, .warning].sorted() == [.critical, .warning, .info])
    }

    @Test(
        arguments: [
            ("pay_1", "user_1", "CREDIT_MISMATCH payment:pay_1"),
            (nil, "user_1", "CREDIT_MISMATCH user:user_1"),
            (nil, nil, "CREDIT_MISMATCH"),
        ] as [(String?, String?, String)])
    func deduplicationKeyPrefersThePayment(paymentId: String?, userId: String?, key: String) {
        let discrepancy = Discrepancy(
            kind: .creditMismatch, paymentId: paymentId, userId: userId, expected: .object([:]), actual: .object([:]),
            detail: "x")
        #expect(discrepancy.deduplicationKey == key)
        #expect(discrepancy.severity == .critical)
        #expect(discrepancy.reviewerAction == DiscrepancyKind.creditMismatch.reviewerAction)
    }
}
