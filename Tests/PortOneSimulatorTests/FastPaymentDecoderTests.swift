import Foundation
import Testing

@testable import PortOneSimulator

@Suite struct FastPaymentDecoderTests {
    static func fast(_ bytes: [UInt8]) -> SimulatedPayment? {
        bytes.withUnsafeBufferPointer { FastPaymentDecoder.decode($0) }
    }

    static func foundation(_ bytes: [UInt8]) -> SimulatedPayment? {
        try? JSONDecoder().decode(SimulatedPayment.self, from: Data(bytes))
    }

    @Test func agreesWithJSONDecoderOnGeneratedPayments() {
        let generator = DataSetGenerator(
            options: GeneratorOptions(count: 3000, seed: 21, until: Timestamp.parse("2026-11-25T00:00:00Z")!))
        for i in 0..<3000 {
            let payment = generator.payment(at: i)
            let json = payment.renderJSON()
            let decoded = Self.fast(json)
            #expect(decoded == payment, "payment \(i)")
            #expect(decoded == Self.foundation(json))
        }
    }

    @Test func agreesOnReorderedKeysUnknownFieldsNullsAndEscapes() throws {
        let generator = DataSetGenerator(options: GeneratorOptions(count: 300, seed: 22))
        for i in 0..<300 {
            var object = try #require(
                try JSONSerialization.jsonObject(with: Data(generator.payment(at: i).renderJSON())) as? [String: Any])
            object["someFutureField"] = ["nested": [1, 2.5, true, NSNull(), "x"]]
            object["promotionId"] = NSNull()
            object["orderName"] = "프로 \"특가\"\n\\ \u{1F600} tab\t"
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            let bytes = Array(data)
            let fast = Self.fast(bytes)
            #expect(fast != nil)
            #expect(fast == Self.foundation(bytes))
        }
    }

    @Test(arguments: [
        "{}", "[]", "", "{\"status\":\"PAID\"}", "not json", "{\"id\":1}",
        #"{"status":"PAID","id":"a","transactionId":"t","merchantId":"m","storeId":"s","version":"V2","requestedAt":"2026-01-01T00:00:00Z","updatedAt":"2026-01-01T00:00:00Z","statusChangedAt":"2026-01-01T00:00:00Z","orderName":"o","amount":{"total":1.5,"taxFree":0,"discount":0,"paid":0,"cancelled":0,"cancelledTaxFree":0},"currency":"KRW","customer":{}}"#,
        #"{"status":"PAID","id":"a","transactionId":"t","merchantId":"m","storeId":"s","version":"V2","requestedAt":"yesterday","updatedAt":"2026-01-01T00:00:00Z","statusChangedAt":"2026-01-01T00:00:00Z","orderName":"o","amount":{"total":1,"taxFree":0,"discount":0,"paid":0,"cancelled":0,"cancelledTaxFree":0},"currency":"KRW","customer":{}}"#,
        #"{"status":"PAID","id":"a","transactionId":"t","merchantId":"m","storeId":"s","version":"V2","requestedAt":"2026-01-01T00:00:00Z","updatedAt":"2026-01-01T00:00:00Z","statusChangedAt":"2026-01-01T00:00:00Z","orderName":"o","amount":{"total":1,"taxFree":0,"discount":0,"paid":0,"cancelled":0,"cancelledTaxFree":0},"currency":"KRW","customer":{}} trailing"#,
    ])
    func refusesWhatItCannotDecode(text: String) {
        #expect(Self.fast(Array(text.utf8)) == nil)
    }

    @Test func minimalPaymentDecodes() {
        let text =
            #"{"status":"SOMETHING_NEW","id":"a","transactionId":"t","merchantId":"m","storeId":"s","version":"V2","requestedAt":"2026-01-01T00:00:00Z","updatedAt":"2026-01-01T00:00:00.5Z","statusChangedAt":"2026-01-01T00:00:00Z","orderName":"o","amount":{"total":1,"taxFree":0,"discount":0,"paid":0,"cancelled":0,"cancelledTaxFree":0},"currency":"KRW","customer":{"id":null}}"#
        let fast = Self.fast(Array(text.utf8))
        #expect(fast != nil)
        #expect(fast == Self.foundation(Array(text.utf8)))
        #expect(fast?.status.rawValue == "SOMETHING_NEW")
    }
}
