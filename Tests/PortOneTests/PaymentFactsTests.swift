import Foundation
import PortOne
import ReconcilerCore
import Testing
import WireFormat

@Suite struct PaymentFactsTests {
    static func payment(_ change: (inout [String: Any]) -> Void = { _ in }) throws -> Payment {
        let object = PaymentDecodingTests.mutated(change)
        let body = Array(try JSONSerialization.data(withJSONObject: object))
        return try FastPortOneDecoder().decodePayment(body).get()
    }

    @Test func carriesWhatTheRulesNeed() throws {
        let facts = try Self.payment().facts
        #expect(facts.status == .paid)
        #expect(facts.totalAmount == 30000)
        #expect(facts.paidAmount == 30000)
        #expect(facts.cancelledAmount == 0)
        #expect(facts.customDataProblem == nil)
        #expect(facts.currency == "KRW")
        #expect(facts.channel == .live)
        #expect(facts.isV1 == false)
        #expect(facts.customDataUserId == "user-42")
        #expect(facts.customDataPackageId == "basic")
        #expect(facts.paidAt != nil)
        #expect(facts.orderName == "베이직 크레딧 330개")
    }

    static let statuses: [(String, PaymentFacts.Status)] = [
        ("READY", .ready), ("PAY_PENDING", .payPending), ("VIRTUAL_ACCOUNT_ISSUED", .virtualAccountIssued),
        ("PAID", .paid), ("FAILED", .failed), ("PARTIAL_CANCELLED", .partialCancelled), ("CANCELLED", .cancelled),
        ("REFUND_PENDING", .unknown("REFUND_PENDING")),
    ]

    @Test(arguments: statuses)
    func mapsEveryStatus(raw: String, expected: PaymentFacts.Status) throws {
        let facts = try Self.payment {
            $0["status"] = raw
            $0["failedAt"] = "2026-09-07T07:13:26Z"
            $0["failure"] = ["reason": "잔액 부족"]
            $0["cancelledAt"] = "2026-09-08T01:00:00Z"
            $0["cancellations"] = [[String: Any]]()
        }.facts
        #expect(facts.status == expected)
    }

    /// `channel` and `channelGroup` as JSON text, and what the core must see.
    static let channels: [(String, String, PaymentFacts.Channel)] = [
        (#"{"type":"LIVE","pgProvider":"KAKAOPAY","pgMerchantId":"m"}"#, "null", .live),
        (#"{"type":"TEST","pgProvider":"KAKAOPAY","pgMerchantId":"m"}"#, "null", .test),
        (
            #"{"type":"LIVE","pgProvider":"KAKAOPAY","pgMerchantId":"m"}"#, #"{"id":"g","name":"n","isForTest":true}"#,
            .test
        ),
        (#"{"type":"SANDBOX","pgProvider":"KAKAOPAY","pgMerchantId":"m"}"#, "null", .unspecified),
        ("null", "null", .unspecified),
        ("null", #"{"id":"g","name":"n","isForTest":false}"#, .live),
    ]

    @Test(arguments: channels)
    func channelIsLiveOnlyWhenPortOneSaysSo(channel: String, group: String, expected: PaymentFacts.Channel) throws {
        let channelObject = try JSONSerialization.jsonObject(with: Data(channel.utf8), options: .fragmentsAllowed)
        let groupObject = try JSONSerialization.jsonObject(with: Data(group.utf8), options: .fragmentsAllowed)
        let facts = try Self.payment {
            $0["channel"] = channelObject
            $0["channelGroup"] = groupObject
        }.facts
        #expect(facts.channel == expected)
    }

    @Test func mapsCancellationsWithTheirStatusAndTrigger() throws {
        let facts = try Self.payment {
            $0["status"] = "PARTIAL_CANCELLED"
            $0["cancelledAt"] = "2026-09-08T01:00:00Z"
            $0["amount"] = [
                "total": 30000, "taxFree": 0, "discount": 0, "paid": 30000, "cancelled": 10000, "cancelledTaxFree": 0,
            ]
            $0["cancellations"] = [
                [
                    "status": "SUCCEEDED", "id": "c-1", "totalAmount": 10000, "taxFreeAmount": 0, "vatAmount": 909,
                    "reason": "고객 요청", "requestedAt": "2026-09-08T01:00:00Z", "trigger": "CHARGEBACK",
                ],
                [
                    "status": "WITHDRAWN", "id": "c-2", "totalAmount": 5000, "taxFreeAmount": 0, "vatAmount": 0,
                    "reason": "?", "requestedAt": "2026-09-08T02:00:00Z",
                ],
            ]
        }.facts
        #expect(facts.cancelledAmount == 10000)
        #expect(facts.cancellations.map(\.status) == [.succeeded, .unknown("WITHDRAWN")])
        #expect(facts.cancellations.first?.trigger == "CHARGEBACK")
        #expect(facts.cancellations.first?.totalAmount == 10000)
    }
}

/// The webhook record and the cancellations' trigger and reason reach the core, so the cause of
/// a missed grant and the origin of a deduction are decided from the payment as fetched.
@Suite struct PaymentFactsExplanationTests {
    @Test func aPaymentWithoutWebhooksFieldHasNoDeliveryRecorded() throws {
        let facts = try PaymentFactsTests.payment { $0.removeValue(forKey: "webhooks") }.facts
        #expect(facts.webhooks.isEmpty)
        #expect(GrantCause.of(facts).kind == .webhookNotSent)
    }

    @Test func webhooksWithSeveralAttemptsAndNewValuesAreKept() throws {
        let facts = try PaymentFactsTests.payment {
            $0["webhooks"] = [
                [
                    "id": "wh-1", "url": "https://app.example/api/webhooks/portone",
                    "status": "FAILED_NOT_OK_RESPONSE", "paymentStatus": "PAID", "currentExecutionCount": 6,
                    "maxExecutionCount": 6, "triggeredAt": "2026-09-07T07:13:30Z",
                    "response": [
                        "code": "500", "header": "", "body": "oops", "respondedAt": "2026-09-07T07:13:31Z",
                    ],
                    "aFieldFromTomorrow": true,
                ],
                [
                    "id": "wh-2", "url": "https://app.example/x", "status": "FAILED_SOMEHOW_NEW",
                    "paymentStatus": "PAID",
                ],
            ]
        }.facts
        #expect(facts.webhooks.count == 2)
        #expect(
            facts.webhooks[0]
                == PaymentFacts.Webhook(
                    delivery: .failedNotOkResponse, paymentStatus: "PAID", responseCode: "500", attempts: 6,
                    maxAttempts: 6, triggeredAt: RFC3339.timestamp("2026-09-07T07:13:30Z")))
        #expect(facts.webhooks[1].delivery == .unknown("FAILED_SOMEHOW_NEW"))
        // Not every delivery is a known failure: the record does not tell.
        #expect(GrantCause.of(facts).kind == .unknown)
    }

    @Test(arguments: [("CHARGEBACK", DeductionOrigin.Kind.chargeback), ("NEW_TRIGGER", .unknown)])
    func cancellationTriggerAndReasonAreKept(trigger: String, kind: DeductionOrigin.Kind) throws {
        let facts = try PaymentFactsTests.payment {
            $0["status"] = "CANCELLED"
            $0["cancelledAt"] = "2026-09-08T00:00:00Z"
            $0["amount"] = [
                "total": 30000, "taxFree": 0, "discount": 0, "paid": 0, "cancelled": 30000, "cancelledTaxFree": 0,
            ]
            $0["cancellations"] = [
                [
                    "status": "SUCCEEDED", "id": "c-1", "totalAmount": 30000, "taxFreeAmount": 0, "vatAmount": 2727,
                    "reason": "카드사 차지백", "requestedAt": "2026-09-07T23:59:58Z",
                    "cancelledAt": "2026-09-08T00:00:00Z", "trigger": trigger,
                ]
            ]
        }.facts
        #expect(facts.cancellations.first?.trigger == trigger)
        #expect(facts.cancellations.first?.reason == "카드사 차지백")
        let origin = try #require(DeductionOrigin.of(facts, credits: 330, deducted: 0, rounding: .up))
        #expect(origin.kind == kind)
        #expect(origin.trigger == trigger)
        #expect(origin.reason == "카드사 차지백")
    }
}
