import ReconcilerCore
import Testing

/// Whole outcomes, field by field, for the cases the engine and the reports rely on.
@Suite struct PaymentOutcomeTests {
    typealias F = Fixture

    @Test func lostWebhookIsOneMissedGrant() {
        let outcome = F.decide(F.payment("pro"))
        #expect(
            outcome
                == PaymentOutcome(
                    paymentId: "pay_1", userId: "user_1", packageId: "pro", classification: .repairNeeded,
                    repairs: [
                        Repair(
                            kind: .missedGrant, paymentId: "pay_1", userId: "user_1", packageId: "pro", credits: 600,
                            ledgerAmount: 600, cancellationId: nil,
                            description: "크레딧 구매 (프로) · 결제 확인 후 지급",
                            isAutoApplicable: true, cause: GrantCause(kind: .webhookNotSent))
                    ], discrepancies: [], expectedGrant: 600, expectedDeduction: 0, actualGrant: 0, actualDeduction: 0))
        #expect(outcome.applicable == outcome.repairs)
        #expect(outcome.plannedOnly.isEmpty)
        #expect(outcome.repairs[0].transactionType == .purchase)
    }

    @Test func paidAndCancelledBeforeAnyGrantIsAGrantThenARefundNamingTheNewestCancellation() {
        let payment = F.payment(
            "pro", status: .cancelled,
            cancellations: [
                F.cancellation("c_old", 20_000, minutesAgo: 50), F.cancellation("c_new", 30_000, minutesAgo: 20),
                F.cancellation("c_requested", 1000, .requested, minutesAgo: 5),
            ])
        let outcome = F.decide(payment, users: F.users(balance: 0))
        #expect(outcome.repairs.map(\.kind) == [.missedGrant, .missedRefund])
        #expect(
            outcome.repairs[1]
                == Repair(
                    kind: .missedRefund, paymentId: "pay_1", userId: "user_1", packageId: "pro", credits: 600,
                    ledgerAmount: -600, cancellationId: "c_new",
                    description: "환불 차감 (프로, 전액 환불)", isAutoApplicable: true,
                    origin: DeductionOrigin(
                        kind: .console, trigger: "CONSOLE", cancellationId: "c_new", reason: nil,
                        requestedAt: payment.cancellations[1].requestedAt,
                        cancelledAt: payment.cancellations[1].cancelledAt,
                        cancellations: 2)))
        #expect(outcome.repairs[1].transactionType == .refund)
        #expect(outcome.expectedGrant == 600)
        #expect(outcome.expectedDeduction == 600)
        #expect(outcome.discrepancies.isEmpty)
    }

    @Test func shortfallRecordsWhatCouldNotBeCollected() throws {
        let payment = F.payment("pro", status: .cancelled, cancellations: [F.cancellation("c1", 50_000)])
        let outcome = F.decide(payment, ledger: [F.purchase(600)], users: F.users(balance: 250))
        #expect(outcome.repairs.map(\.credits) == [250])
        let shortfall = try #require(outcome.discrepancies.first)
        #expect(shortfall.kind == .refundShortfall)
        #expect(shortfall.severity == .warning)
        #expect(shortfall.userId == "user_1")
        #expect(shortfall.expected.serialized() == #"{"creditsDeducted":600}"#)
        #expect(shortfall.actual.serialized() == #"{"balance":250,"creditsDeducted":250,"uncollected":350}"#)
        #expect(
            shortfall.detail
                == "Payment pay_1's successful cancellations call for deducting 600 credits from user user_1, who holds 250 credits; 350 credits cannot be collected."
        )
    }

    @Test func amountMismatchSaysWhatWasPaidAndWhatItCost() throws {
        let outcome = F.decide(F.payment("business", amount: 99_000))
        let mismatch = try #require(outcome.discrepancies.first)
        #expect(outcome.expectedGrant == nil)
        #expect(outcome.packageId == "business")
        #expect(mismatch.expected.serialized() == #"{"amount":120000,"packageId":"business"}"#)
        #expect(
            mismatch.actual.serialized()
                == #"{"amount":99000,"creditsGranted":0,"packageFoundBy":"customDataPackageId"}"#)
        #expect(
            mismatch.detail
                == "Payment pay_1 paid 99,000 KRW for package business (비즈니스), whose price was 120,000 KRW when it was requested; no credits are granted automatically."
        )
    }

    @Test func skippedPaymentsReportTheLedgerButDecideNothing() {
        let outcome = F.decide(F.payment(isV1: true), ledger: [F.purchase(100), F.refund(10)])
        #expect(outcome.classification == .v1)
        #expect(outcome.expectedGrant == nil)
        #expect(outcome.expectedDeduction == nil)
        #expect(outcome.actualGrant == 100)
        #expect(outcome.actualDeduction == 10)
        #expect(outcome.repairs.isEmpty && outcome.discrepancies.isEmpty)
    }

    @Test func grantWithoutPaymentNamesTheRowsAndTheWriter() throws {
        let outcome = F.decide(
            F.payment(status: .ready, paid: false, customDataUserId: nil), ledger: [F.purchase(100, user: "user_7")])
        let found = try #require(outcome.discrepancies.first)
        #expect(found.kind == .grantWithoutPayment)
        #expect(found.userId == "user_7")
        #expect(
            found.actual.serialized()
                == #"{"creditsDeducted":0,"creditsGranted":100,"purchaseRows":1,"status":"READY","transactionIds":["tx_purchase"]}"#
        )
        #expect(
            found.detail
                == "Payment pay_1 is READY at PortOne: not paid yet, yet 1 PURCHASE row grants 100 credits for it.")
    }

    @Test func hugeLedgerAmountsDoNotTrap() {
        let outcome = F.decide(
            F.payment(),
            ledger: [F.purchase(.max, id: "a"), F.purchase(.max, id: "b"), F.refund(.max), F.refund(.max, id: "r")])
        #expect(outcome.actualGrant == .max)
        #expect(outcome.actualDeduction == .max)
        #expect(outcome.repairs.isEmpty)
        #expect(outcome.discrepancies.map(\.kind) == [.duplicateGrant, .creditMismatch])
    }
}
