import Foundation
import PortOne
import ReconcilerCore
import Testing
import WireFormat

@Suite struct PaymentDecodingTests {
    /// Every test runs with both decoders: they must agree.
    enum DecoderKind: String, CaseIterable, Sendable {
        case foundation, fast
        var decoder: any PortOneDecoder {
            switch self {
            case .foundation: return FoundationPortOneDecoder()
            case .fast: return FastPortOneDecoder()
            }
        }
    }
    static let both = DecoderKind.allCases
    static let variants = OpenAPIExamples.shared.discriminatorMapping("Payment").sorted { $0.key < $1.key }

    static func bytes(_ object: Any) -> [UInt8] {
        Array(try! JSONSerialization.data(withJSONObject: object))
    }

    static func page(_ items: [Any]) -> [UInt8] {
        bytes(["items": items, "page": ["number": 0, "size": 10, "totalCount": items.count]])
    }

    static func decodeOne(_ object: [String: Any], _ kind: DecoderKind) throws -> Result<
        Payment, PaymentDecodingFailure
    > {
        try kind.decoder.decodePayment(bytes(object))
    }

    @Test(arguments: both, variants.map(\.key))
    func decodesEveryVariantFromTheSchema(decoding: DecoderKind, status: String) throws {
        for withOptionalFields in [false, true] {
            try checkVariant(decoding: decoding, status: status, withOptionalFields: withOptionalFields)
        }
    }

    func checkVariant(decoding: DecoderKind, status: String, withOptionalFields: Bool) throws {
        let schema = Self.variants.first { $0.key == status }!.value
        var object = OpenAPIExamples.shared.example(schema: schema, optional: withOptionalFields)
        object["status"] = status
        let payment = try Self.decodeOne(object, decoding).get()
        #expect(payment.status.rawString == status)
        #expect(payment.id == object["id"] as? String)
        #expect(payment.storeId == object["storeId"] as? String)
        let amount = object["amount"] as! [String: Any]
        #expect(payment.amount.total == Int64(amount["total"] as! Int))
        #expect(payment.amount.paid == Int64(amount["paid"] as! Int))
        #expect(payment.statusChangedAt == RFC3339.timestamp(object["statusChangedAt"] as! String))
        if withOptionalFields {
            #expect(payment.method != nil)
            #expect(payment.channelGroup != nil)
            #expect(payment.webhooks.count == 1)
            #expect(payment.customData == object["customData"] as? String)
        }
        if status == "PAID" { #expect(payment.paidAt != nil) }
        if status == "CANCELLED" || status == "PARTIAL_CANCELLED" {
            #expect(payment.cancelledAt != nil)
            #expect(payment.cancellations.count == (object["cancellations"] as! [Any]).count)
        }
        if status == "FAILED" { #expect(payment.failedAt != nil) }
    }

    @Test(arguments: both, [false, true])
    func decodesEveryPaymentEventFromTheSchema(decoding: DecoderKind, withOptionalFields: Bool) throws {
        for schema in ["PaidPaymentEvent", "PartialCancelledPaymentEvent", "CancelledPaymentEvent"] {
            try checkEvent(decoding: decoding, schema: schema, withOptionalFields: withOptionalFields)
        }
    }

    func checkEvent(decoding: DecoderKind, schema: String, withOptionalFields: Bool) throws {
        let mapping = OpenAPIExamples.shared.discriminatorMapping("PaymentEvent")
        let type = mapping.first { $0.value == schema }!.key
        var event = OpenAPIExamples.shared.example(schema: schema, optional: withOptionalFields)
        event["type"] = type
        let body = Self.bytes(["items": [["paymentEvent": event, "cursor": "c-1"]]])
        let page = try decoding.decoder.decodePaymentEventsCursorPage(body)
        let decoded = try page.items[0].item.get()
        #expect(decoded.kind.rawString == type)
        #expect(decoded.paymentId == event["paymentId"] as? String)
        #expect(decoded.eventAmount == Int64(event["eventAmount"] as! Int))
        #expect(page.lastCursor == "c-1")
    }

    static let paidKakaoPay = """
        {"status":"PAID","id":"pay-01J8ZK","transactionId":"0192f3a1-tx","merchantId":"merchant-1",
         "storeId":"store-00000000-0000-4000-8000-000000000001",
         "method":{"type":"PaymentMethodEasyPay","provider":"KAKAOPAY","easyPayMethod":{"type":"PaymentMethodEasyPayMethodCharge"}},
         "channel":{"type":"LIVE","id":"ch-1","key":"channel-key-1","name":"카카오페이","pgProvider":"KAKAOPAY","pgMerchantId":"TC0ONETIME"},
         "channelGroup":{"id":"cg-1","name":"기본 채널 그룹","isForTest":false},
         "version":"V2","webhooks":[{"id":"wh-1","url":"https://app.example.kr/api/webhook","status":"FAILED_NOT_OK_RESPONSE",
           "paymentStatus":"PAID","trigger":"ASYNC_PAY_APPROVED","isAsync":true,"currentExecutionCount":6,"maxExecutionCount":6,
           "response":{"code":"502","header":"","body":"Bad Gateway","respondedAt":"2026-09-07T07:13:27Z"},
           "triggeredAt":"2026-09-07T07:13:26.5Z","someNewField":{"x":1}}],
         "requestedAt":"2026-09-07T07:12:38.366979621Z","updatedAt":"2026-09-07T07:13:26.366979621Z",
         "statusChangedAt":"2026-09-07T07:13:26Z","orderName":"베이직 크레딧 330개",
         "amount":{"total":30000,"taxFree":0,"vat":2727,"supply":27273,"discount":0,"paid":30000,"cancelled":0,"cancelledTaxFree":0},
         "currency":"KRW","customer":{"id":"user-42","name":"김철수","email":"kim@example.kr","phoneNumber":"010-1234-5678"},
         "origin":{"platformType":"MOBILE","ipAddress":"203.0.113.7"},
         "customData":"{\\"userId\\":\\"user-42\\",\\"packageId\\":\\"basic\\"}",
         "paidAt":"2026-09-07T16:13:26+09:00","pgTxId":"T1234","receiptUrl":"https://receipt.example/1","disputes":[],
         "brandNewTopLevelField":[1,2,3],"promotionId":null}
        """

    @Test(arguments: both)
    func decodesARealisticKakaoPayPaymentWithKoreanTextAndUnknownFields(decoding: DecoderKind) throws {
        let payment = try decoding.decoder.decodePayment(Array(Self.paidKakaoPay.utf8)).get()
        #expect(payment.status == .paid)
        #expect(payment.orderName == "베이직 크레딧 330개")
        #expect(payment.customer.name == "김철수")
        #expect(payment.amount == PaymentAmount(total: 30000, vat: 2727, supply: 27273, paid: 30000))
        #expect(payment.customDataFields == PaymentCustomData(userId: "user-42", packageId: "basic"))
        #expect(payment.method == .easyPay(provider: .kakaoPay, easyPayMethod: "PaymentMethodEasyPayMethodCharge"))
        #expect(payment.channel?.type == .live)
        #expect(payment.isTest == false)
        #expect(payment.version == .v2)
        #expect(payment.webhooks.first?.status == .failedNotOkResponse)
        #expect(payment.webhooks.first?.responseCode == "502")
        #expect(payment.paidAt == payment.statusChangedAt)  // +09:00 offset equals the Z form
        #expect(payment.requestedAt.nanoseconds == 366_979_621)
    }

    @Test func bothDecodersAgreeOnEveryVariantAndEscapes() throws {
        var objects: [Any] = []
        for (status, schema) in Self.variants {
            for optional in [false, true] {
                var object = OpenAPIExamples.shared.example(schema: schema, optional: optional)
                object["status"] = status
                objects.append(object)
            }
        }
        objects.append(
            Self.mutated {
                $0["customer"] = NSNull()
                $0["webhooks"] = NSNull()
                $0["channel"] = NSNull()
            })
        let escaped = Self.paidKakaoPay.replacingOccurrences(
            of: #""orderName":"베이직 크레딧 330개""#,
            with: #""orderName":"\uBCA0\uC774\uC9C1 \ud83d\ude00 \"q\" \\ \/ \n\t\b\f\r end""#)
        objects.append(try JSONSerialization.jsonObject(with: Data(escaped.utf8)))
        let body = Self.page(objects)
        let foundation = try FoundationPortOneDecoder().decodePaymentsPage(body)
        let fast = try FastPortOneDecoder().decodePaymentsPage(body)
        #expect(fast.items.count == objects.count)
        #expect(foundation.items.count == fast.items.count)
        for (expected, actual) in zip(foundation.items, fast.items) {
            #expect(try actual.get() == expected.get())
        }
        #expect(try fast.items.last?.get().orderName == "베이직 😀 \"q\" \\ / \n\t\u{8}\u{c}\r end")
        #expect(
            (fast.number, fast.size, fast.totalCount) == (foundation.number, foundation.size, foundation.totalCount))
    }

    @Test(arguments: both)
    func encodedPaymentsReadBackIdentically(decoding: DecoderKind) throws {
        var objects: [Any] = [try JSONSerialization.jsonObject(with: Data(Self.paidKakaoPay.utf8))]
        for (status, schema) in Self.variants {
            var object = OpenAPIExamples.shared.example(schema: schema, optional: true)
            object["status"] = status
            objects.append(object)
        }
        let page = try decoding.decoder.decodePaymentsPage(Self.page(objects))
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        for item in page.items {
            let payment = try item.get()
            let evidence = Array(try encoder.encode(payment))
            #expect(try decoding.decoder.decodePayment(evidence).get() == payment)
            let object = try JSONSerialization.jsonObject(with: Data(evidence)) as! [String: Any]
            #expect(object["status"] as? String == payment.status.rawString)
            #expect(object["statusChangedAt"] as? String == RFC3339.format(payment.statusChangedAt))
        }
    }

    @Test func encodedEventsReadBackIdentically() throws {
        var event = OpenAPIExamples.shared.example(schema: "CancelledPaymentEvent", optional: true)
        event["type"] = "CANCELLED"
        let body = Self.bytes(["items": [["paymentEvent": event, "cursor": "c"]]])
        let decoded = try FastPortOneDecoder().decodePaymentEventsCursorPage(body).items[0].item.get()
        let evidence = try JSONSerialization.jsonObject(with: try JSONEncoder().encode(decoded))
        let again = Self.bytes(["items": [["paymentEvent": evidence, "cursor": "c"]]])
        #expect(try FoundationPortOneDecoder().decodePaymentEventsCursorPage(again).items[0].item.get() == decoded)
    }

    @Test(arguments: [
        #"{"items":[{"id":"a"} {"id":"b"}],"page":{"number":0,"size":1,"totalCount":0}}"#,
        #"{"items":[{"id":"a\q"}],"page":{"number":0,"size":1,"totalCount":0}}"#,
        #"{"items":[],"page":{"number":0,"size":1,"totalCount":0}} trailing"#,
        #"{"items":[tru],"page":{"number":0,"size":1,"totalCount":0}}"#,
        #"{"items":["unterminated],"page":{"number":0,"size":1,"totalCount":0}}"#,
    ])
    func theFastDecoderRefusesBrokenJSON(body: String) {
        #expect(throws: PortOneDecodingError.self) {
            try FastPortOneDecoder().decodePaymentsPage(Array(body.utf8))
        }
    }

    static func mutated(_ change: (inout [String: Any]) -> Void) -> [String: Any] {
        var object = try! JSONSerialization.jsonObject(with: Data(paidKakaoPay.utf8)) as! [String: Any]
        change(&object)
        return object
    }

    @Test(arguments: both)
    func keepsAnUnknownPaymentStatus(decoding: DecoderKind) throws {
        let payment = try Self.decodeOne(Self.mutated { $0["status"] = "REFUND_PENDING" }, decoding).get()
        #expect(payment.status == .unknown("REFUND_PENDING"))
        #expect(payment.amount.total == 30000)
    }

    @Test(arguments: both)
    func keepsUnknownEnumValuesEverywhere(decoding: DecoderKind) throws {
        let object = Self.mutated {
            $0["version"] = "V3"
            $0["channel"] = ["type": "SANDBOX", "pgProvider": "NEWPG", "pgMerchantId": "m"]
            $0["method"] = ["type": "PaymentMethodQuantumCoin", "qubits": 8]
        }
        let payment = try Self.decodeOne(object, decoding).get()
        #expect(payment.version == .unknown("V3"))
        #expect(payment.channel?.type == .unknown("SANDBOX"))
        #expect(payment.method == .unknown(type: "PaymentMethodQuantumCoin"))
    }

    @Test(arguments: both)
    func decodesCancellationsOfEveryStatusIncludingUnknown(decoding: DecoderKind) throws {
        let object = Self.mutated {
            $0["status"] = "PARTIAL_CANCELLED"
            $0["cancelledAt"] = "2026-09-08T01:00:00.123456Z"
            $0["cancellations"] = [
                [
                    "status": "SUCCEEDED", "id": "c-1", "totalAmount": 10000, "taxFreeAmount": 0, "vatAmount": 909,
                    "reason": "고객 요청", "requestedAt": "2026-09-08T01:00:00Z",
                    "cancelledAt": "2026-09-08T01:00:00.123456Z",
                    "trigger": "CONSOLE",
                ],
                [
                    "status": "REQUESTED", "id": "c-2", "totalAmount": 5000, "taxFreeAmount": 0, "vatAmount": 0,
                    "reason": "비동기", "requestedAt": "2026-09-08T02:00:00Z",
                ],
                [
                    "status": "FAILED", "id": "c-3", "totalAmount": 5000, "taxFreeAmount": 0, "vatAmount": 0,
                    "reason": "실패", "requestedAt": "2026-09-08T03:00:00Z", "trigger": "CHARGEBACK",
                ],
                [
                    "status": "REVERSED", "id": "c-4", "totalAmount": 1, "taxFreeAmount": 0, "vatAmount": 0,
                    "reason": "?", "requestedAt": "2026-09-08T04:00:00Z", "trigger": "ROBOT",
                ],
            ]
        }
        let payment = try Self.decodeOne(object, decoding).get()
        #expect(payment.cancellations.map(\.status) == [.succeeded, .requested, .failed, .unknown("REVERSED")])
        #expect(payment.succeededCancellations.map(\.id) == ["c-1"])
        #expect(payment.cancellations.map(\.trigger) == [.console, nil, .chargeback, .unknown("ROBOT")])
        #expect(payment.cancellations[0].cancelledAt?.nanoseconds == 123_456_000)
    }

    static let customDataCases: [(String?, PaymentCustomData?)] = [
        (#"{"userId":"u1","packageId":"pro"}"#, PaymentCustomData(userId: "u1", packageId: "pro")),
        (#"  {"userId":"u1"}"#, PaymentCustomData(userId: "u1", packageId: nil)),
        (#"{"userId":42,"packageId":"starter","extra":true}"#, PaymentCustomData(userId: "42", packageId: "starter")),
        ("plain text note", nil),
        (#"{"other":"x"}"#, nil),
        (#"{"userId":"#, nil),
        (#"["u1"]"#, nil),
        (nil, nil),
    ]

    @Test(arguments: customDataCases)
    func readsCustomDataAsJSONWhenItIsJSON(raw: String?, expected: PaymentCustomData?) throws {
        for decoding in Self.both {
            try checkCustomData(decoding: decoding, raw: raw, expected: expected)
        }
    }

    /// Issue 9: a present but unusable customData is named (field only, never its value), and
    /// the facts carry it so the rules report the payment instead of guessing its package.
    static let customDataProblems: [(String?, String?)] = [
        (nil, nil),
        ("", nil),
        ("   ", nil),
        (#"{"userId":"u1","packageId":"pro"}"#, nil),
        (#"{"userId":42,"packageId":7}"#, nil),
        (#"{"userId":"u1","packageId":null}"#, nil),
        (#"{"other":"x"}"#, nil),
        ("plain text note", "customData is not a JSON object"),
        (#"["u1"]"#, "customData is not a JSON object"),
        (#"{"userId":"#, "customData is not a JSON object"),
        (#"{"userId":"u1"} trailing"#, "customData is not a JSON object (text follows it)"),
        (#"{"userId":"u1","packageId":{"id":"pro"}}"#, "customData.packageId is not a string"),
        (#"{"userId":"u1","packageId":["pro"]}"#, "customData.packageId is not a string"),
        (#"{"userId":true,"packageId":"pro"}"#, "customData.userId is not a string"),
        (String(repeating: "[", count: 100_000), "customData is not a JSON object"),
        ("{\"packageId\":" + String(repeating: "[", count: 100_000), "customData is not a JSON object"),
        (#"{"packageId":[[1]],"userId":"u1"}"#, "customData.packageId is not a string"),
    ]

    @Test(arguments: customDataProblems)
    func namesWhatIsWrongWithCustomData(raw: String?, problem: String?) throws {
        #expect(PaymentCustomData.problem(in: raw) == problem)
        let payment = try Self.decodeOne(Self.mutated { $0["customData"] = raw ?? NSNull() }, .fast).get()
        #expect(payment.facts.customDataProblem == problem)
    }

    func checkCustomData(decoding: DecoderKind, raw: String?, expected: PaymentCustomData?) throws {
        let payment = try Self.decodeOne(Self.mutated { $0["customData"] = raw ?? NSNull() }, decoding).get()
        #expect(payment.customData == raw)
        #expect(payment.customDataFields == expected)
    }

    enum BadItem: String, CaseIterable, Sendable {
        case missingAmount, badTimestamp, amountAsText, paidWithoutPaidAt, noId, fractionalAmount

        func apply(to object: inout [String: Any]) {
            var amount = object["amount"] as! [String: Any]
            switch self {
            case .missingAmount: object["amount"] = nil
            case .badTimestamp: object["statusChangedAt"] = "yesterday"
            case .amountAsText: amount["total"] = "30000"
            case .paidWithoutPaidAt: object["paidAt"] = nil
            case .noId: object["id"] = nil
            case .fractionalAmount: amount["paid"] = 1.5
            }
            if self == .amountAsText || self == .fractionalAmount { object["amount"] = amount }
        }

        var expectedId: String? { self == .noId ? nil : "pay-01J8ZK" }

        var field: String {
            switch self {
            case .missingAmount: return "amount"
            case .badTimestamp: return "statusChangedAt"
            case .amountAsText: return "amount.total"
            case .paidWithoutPaidAt: return "paidAt"
            case .noId: return "id"
            case .fractionalAmount: return "integer"
            }
        }
    }

    @Test(arguments: both, BadItem.allCases)
    func oneBadItemDoesNotSinkThePage(decoding: DecoderKind, bad kind: BadItem) throws {
        let bad = Self.mutated { kind.apply(to: &$0) }
        let good1 = Self.mutated { $0["id"] = "good-1" }
        let good2 = Self.mutated { $0["id"] = "good-2" }
        let page = try decoding.decoder.decodePaymentsPage(Self.page([good1, bad, good2]))
        #expect(page.items.count == 3)
        #expect((try? page.items[0].get())?.id == "good-1")
        #expect((try? page.items[2].get())?.id == "good-2")
        guard case .failure(let failure) = page.items[1] else {
            Issue.record("the bad item decoded")
            return
        }
        #expect(failure.paymentId == kind.expectedId)
        #expect(failure.reason.contains(kind.field), "\(failure.reason)")
        #expect(!failure.reason.contains("items"), "the reason is relative to the payment: \(failure.reason)")
    }

    @Test(arguments: [
        "<html><body>502 Bad Gateway</body></html>", "{\"items\":[", "", "{\"page\":{}}", "[]",
    ])
    func anUnreadableEnvelopeIsAnError(body: String) {
        for decoding in Self.both {
            #expect(throws: PortOneDecodingError.self) {
                try decoding.decoder.decodePaymentsPage(Array(body.utf8))
            }
        }
    }

    static let errorBodies: [(String, PortOneErrorBody?)] = [
        (
            #"{"type":"UNAUTHORIZED","message":"인증 정보가 올바르지 않습니다."}"#,
            PortOneErrorBody(type: "UNAUTHORIZED", message: "인증 정보가 올바르지 않습니다.")
        ),
        (#"{"type":"FORBIDDEN"}"#, PortOneErrorBody(type: "FORBIDDEN")),
        (
            #"{"type":"INVALID_REQUEST","message":"page too deep"}"#,
            PortOneErrorBody(type: "INVALID_REQUEST", message: "page too deep")
        ),
        (
            #"{"type":"PAYMENT_NOT_FOUND","message":"결제 건이 존재하지 않습니다."}"#,
            PortOneErrorBody(type: "PAYMENT_NOT_FOUND", message: "결제 건이 존재하지 않습니다.")
        ),
        (
            #"{"type":"PG_PROVIDER","message":"m","pgCode":"E1","pgMessage":"거절"}"#,
            PortOneErrorBody(type: "PG_PROVIDER", message: "m")
        ),
        ("<html>Service Unavailable</html>", nil),
    ]

    @Test(arguments: errorBodies)
    func readsTheSpecErrorBodies(body: String, expected: PortOneErrorBody?) {
        #expect(PortOneErrorBody.parse(Array(body.utf8)) == expected)
    }

    @Test(arguments: both)
    func decodesACursorPageOfPayments(decoding: DecoderKind) throws {
        let object = try JSONSerialization.jsonObject(with: Data(Self.paidKakaoPay.utf8))
        let body = Self.bytes([
            "items": [["payment": object, "cursor": "abc"], ["payment": ["id": "x"], "cursor": "def"]]
        ])
        let page = try decoding.decoder.decodePaymentsCursorPage(body)
        #expect(page.items.count == 2)
        #expect((try? page.items[0].item.get())?.id == "pay-01J8ZK")
        #expect(page.items[1].item.failureId == "x")
        #expect(page.lastCursor == "def")
        #expect(try decoding.decoder.decodePaymentsCursorPage(Array(#"{"items":[]}"#.utf8)).lastCursor == nil)
    }
}

extension Result where Failure == PaymentDecodingFailure {
    var failureId: String? {
        if case .failure(let failure) = self { return failure.paymentId }
        return nil
    }
}
