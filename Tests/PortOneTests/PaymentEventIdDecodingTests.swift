import Foundation
import PortOne
import Testing

/// The journal's light read (`decodePaymentEventIdsCursorPage`) against the full one: for every
/// page, both reject it, or the light one gives each event's payment id exactly as the full one
/// does (the event's, or the one its decoding failure carries), and the same last cursor.
@Suite struct PaymentEventIdDecodingTests {
    /// One journal page and what its light read must give (nil: the page is unreadable).
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let body: [UInt8]
        let ids: [String?]?
        let lastCursor: String?
        var testDescription: String { name }

        init(_ name: String, _ body: String, ids: [String?]?, lastCursor: String? = nil) {
            self.init(name, Array(body.utf8), ids: ids, lastCursor: lastCursor)
        }

        init(_ name: String, _ body: [UInt8], ids: [String?]?, lastCursor: String? = nil) {
            self.name = name
            self.body = body
            self.ids = ids
            self.lastCursor = lastCursor
        }
    }

    /// A complete, valid event of `type` for `paymentId` (PortOne's documented example).
    static func event(_ paymentId: String, type: String = "PAID") -> String {
        let schema = ["PAID": "PaidPaymentEvent", "PARTIAL_CANCELLED": "PartialCancelledPaymentEvent"][type]
        var event = OpenAPIExamples.shared.example(schema: schema ?? "PaidPaymentEvent", optional: true)
        event["type"] = type
        event["paymentId"] = paymentId
        if paymentId == "pay-9" { event["customer"] = "DEEP" }
        return String(
            decoding: try! JSONSerialization.data(withJSONObject: event, options: [.sortedKeys]), as: UTF8.self)
    }

    /// `depth` arrays, each in the one before.
    static func deep(_ depth: Int) -> String {
        String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
    }

    /// `{"items":[...]}` of `items`, each `{"paymentEvent":<event>,"cursor":"c<n>"}`.
    static func page(_ events: [String]) -> String {
        "{\"items\":["
            + events.enumerated().map { "{\"paymentEvent\":\($1),\"cursor\":\"c\($0)\"}" }.joined(separator: ",")
            + "]}"
    }

    static let cases: [Case] = [
        // Readable pages.
        Case(
            "two documented events", page([event("pay-1"), event("pay-2", type: "PARTIAL_CANCELLED")]),
            ids: ["pay-1", "pay-2"], lastCursor: "c1"),
        Case("empty page: the end", "{\"items\":[]}", ids: [], lastCursor: nil),
        Case("members around items are skipped", "{\"next\":null,\"items\":[],\"extra\":{\"a\":[1,2]}}", ids: []),
        Case(
            "an event type this build does not know", page([event("pay-1", type: "DISPUTE_CREATED")]),
            ids: ["pay-1"], lastCursor: "c0"),
        Case(
            "an event missing required fields keeps its payment id",
            page(["{\"type\":\"PAID\",\"paymentId\":\"pay-3\"}"]), ids: ["pay-3"], lastCursor: "c0"),
        Case(
            "an event that is not an object", page(["\"PAID\"", "null", "[1,2]", "12"]),
            ids: [nil, nil, nil, nil], lastCursor: "c3"),
        Case(
            "a payment id that is not a string", page(["{\"type\":\"PAID\",\"paymentId\":42}"]), ids: [nil],
            lastCursor: "c0"),
        Case("no payment id", page(["{\"type\":\"PAID\"}"]), ids: [nil], lastCursor: "c0"),
        Case(
            "an escaped payment id", page(["{\"paymentId\":\"pay-\\u00e9\\\"x\"}"]), ids: ["pay-é\"x"],
            lastCursor: "c0"),
        Case(
            "a repeated payment id: the last", page(["{\"paymentId\":\"a\",\"paymentId\":\"b\"}"]), ids: ["b"],
            lastCursor: "c0"),
        Case(
            "the cursor before the event", "{\"items\":[{\"cursor\":\"k\",\"paymentEvent\":{\"paymentId\":\"p\"}}]}",
            ids: ["p"], lastCursor: "k"),
        Case(
            "an unpaired surrogate in a payment id", page(["{\"paymentId\":\"\\ud800\"}"]), ids: [nil],
            lastCursor: "c0"),
        Case(
            "invalid UTF-8 in a payment id",
            Array("{\"items\":[{\"paymentEvent\":{\"paymentId\":\"pay-".utf8) + [0xFF, 0xFE]
                + Array("\"},\"cursor\":\"c0\"}]}".utf8), ids: [nil], lastCursor: "c0"),
        Case(
            "invalid UTF-8 in another member",
            Array("{\"items\":[{\"paymentEvent\":{\"orderName\":\"".utf8) + [0xC3]
                + Array("\",\"paymentId\":\"p\"},\"cursor\":\"c0\"}]}".utf8), ids: ["p"], lastCursor: "c0"),
        // 64 arrays deep in an unknown member of `customer`: the full read's customer model skips
        // it within the scanner's depth limit, one skip of the whole event would not.
        Case(
            "nesting only the full read accepts",
            page([event("pay-9").replacingOccurrences(of: "\"DEEP\"", with: "{\"x\":\(deep(64))}")]), ids: ["pay-9"],
            lastCursor: "c0"),
        Case("nesting neither read accepts", page(["{\"paymentId\":\"p\",\"x\":\(deep(70))}"]), ids: nil),
        // Unreadable pages: the journal is unavailable, as with the full read.
        Case("the simulator's unreadable shape", "{\"events\":\"this is not the documented shape\"}", ids: nil),
        Case("not JSON", "<html>502 Bad Gateway</html>", ids: nil),
        Case("empty body", "", ids: nil),
        Case("items not an array", "{\"items\":{}}", ids: nil),
        Case("an item that is not an object", "{\"items\":[\"x\"]}", ids: nil),
        Case("an item without its event", "{\"items\":[{\"cursor\":\"c0\"}]}", ids: nil),
        Case("an item without its cursor", "{\"items\":[{\"paymentEvent\":{\"paymentId\":\"p\"}}]}", ids: nil),
        Case("a cursor that is not a string", "{\"items\":[{\"paymentEvent\":{},\"cursor\":7}]}", ids: nil),
        Case("a truncated page", String(page([event("pay-1"), event("pay-2")]).dropLast(40)), ids: nil),
        Case("a broken event", page(["{\"paymentId\":\"p\",}"]), ids: nil),
        Case("an unterminated string in an event", "{\"items\":[{\"paymentEvent\":{\"paymentId\":\"p", ids: nil),
        Case("text after the page", "{\"items\":[]} x", ids: nil),
        Case("a bad literal in an event", page(["{\"paymentId\":\"p\",\"isTest\":tru}"]), ids: nil),
    ]

    @Test(arguments: cases)
    func readsThePaymentIdsTheFullReadGives(_ page: Case) throws {
        let decoder = FastPortOneDecoder()
        let full: [String?]?
        let fullCursor: String?
        do {
            let decoded = try decoder.decodePaymentEventsCursorPage(page.body)
            full = decoded.items.map { item in
                switch item.item {
                case .success(let event): event.paymentId
                case .failure(let failure): failure.paymentId
                }
            }
            fullCursor = decoded.lastCursor
        } catch {
            full = nil
            fullCursor = nil
        }
        let light: PaymentEventIdPage?
        do {
            light = try decoder.decodePaymentEventIdsCursorPage(page.body)
        } catch {
            light = nil
        }
        #expect(light?.paymentIds == page.ids)
        #expect(light?.lastCursor == page.lastCursor)
        #expect(full == page.ids, "the full read agrees with the table")
        #expect(fullCursor == page.lastCursor)
    }

    /// A decoder with no light read of its own: the protocol's, over its full read.
    struct FullReadOnly: PortOneDecoder {
        let fast = FastPortOneDecoder()
        func decodePaymentsPage(_ body: [UInt8]) throws(PortOneDecodingError) -> PaymentsPage {
            try fast.decodePaymentsPage(body)
        }
        func decodePayment(_ body: [UInt8]) throws(PortOneDecodingError) -> Result<Payment, PaymentDecodingFailure> {
            try fast.decodePayment(body)
        }
        func decodePaymentsCursorPage(_ body: [UInt8]) throws(PortOneDecodingError) -> CursorPage<Payment> {
            try fast.decodePaymentsCursorPage(body)
        }
        func decodePaymentEventsCursorPage(_ body: [UInt8]) throws(PortOneDecodingError) -> CursorPage<PaymentEvent> {
            try fast.decodePaymentEventsCursorPage(body)
        }
    }

    @Test(arguments: cases)
    func aDecoderWithoutALightReadGivesTheSame(_ page: Case) {
        let light = try? FullReadOnly().decodePaymentEventIdsCursorPage(page.body)
        #expect(light?.paymentIds == page.ids)
        #expect(light?.lastCursor == page.lastCursor)
    }
}
