import ReconcilerCore
import Testing

@Suite struct ReconcilerChecksTests {
    typealias F = Fixture

    @Test func orphanGrantWhenTheLedgerGrantsForAnUnknownPayment() throws {
        let ledger = [
            F.purchase(100, id: "a", payment: "pay_ghost"), F.refund(10, payment: "pay_ghost"),
            F.purchase(100, id: "b", payment: "pay_other"),
        ]
        let orphan = try #require(Reconciler.decideOrphan(paymentId: "pay_ghost", ledger: ledger))
        #expect(orphan.kind == .orphanGrant)
        #expect(orphan.severity == .critical)
        #expect(orphan.paymentId == "pay_ghost")
        #expect(orphan.userId == "user_1")
        #expect(
            orphan.actual.serialized()
                == #"{"creditsGranted":100,"paymentExists":false,"purchaseRows":1,"transactionIds":["a"],"userIds":["user_1"]}"#
        )
    }

    @Test(arguments: [
        [LedgerEntry](),
        [Fixture.refund(10, payment: "pay_ghost")],
        [Fixture.purchase(100, payment: "pay_other")],
    ])
    func noOrphanWithoutAPurchase(ledger: [LedgerEntry]) {
        #expect(Reconciler.decideOrphan(paymentId: "pay_ghost", ledger: ledger) == nil)
    }

    @Test(arguments: [
        (Int64?(100), Int64(100), false),
        (100, 90, true),
        (100, 110, true),
        (nil, 0, false),
        (nil, 50, true),
        (-5, -5, false),
        (.min, .max, true),
    ])
    func balanceDrift(balance: Int64?, transactionSum: Int64, drifts: Bool) throws {
        let user = UserAccount(id: "user_1", email: "kim@example.kr", balance: balance)
        let found = Reconciler.checkBalance(user: user, transactionSum: transactionSum)
        #expect((found != nil) == drifts)
        guard let found else { return }
        #expect(found.kind == .balanceDrift)
        #expect(found.paymentId == nil)
        #expect(found.userId == "user_1")
        #expect(found.deduplicationKey == "BALANCE_DRIFT user:user_1")
        #expect(found.expected == .object(["balance": .integer(transactionSum)]))
    }

    @Test func unparseablePaymentCarriesTheReason() {
        let found = Reconciler.unparseable(paymentId: "pay_9", reason: "amount.total is not a number")
        #expect(found.kind == .unparseablePayment)
        #expect(found.paymentId == "pay_9")
        #expect(found.actual == .object(["readable": .bool(false), "reason": .string("amount.total is not a number")]))
        #expect(found.detail.contains("amount.total is not a number"))
        let anonymous = Reconciler.unparseable(paymentId: nil, reason: "no id")
        #expect(anonymous.deduplicationKey == "UNPARSEABLE_PAYMENT")
    }
}
