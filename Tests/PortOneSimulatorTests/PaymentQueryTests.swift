import Foundation
import Testing

@testable import PortOneSimulator

@Suite struct PaymentQueryTests {
    static let store = GeneratorOptions.defaultStoreId
    static let now: Int64 = 1_800_000_000_000_000_000

    func parse(_ json: String?) throws(APIError) -> PaymentQuery {
        try PaymentQuery.parse(json, storeId: Self.store, now: Self.now)
    }

    @Test(arguments: [
        (0, 60000, true), (1, 30000, true), (59, 1000, true), (59999, 1, true),
        (60, 1000, false), (1, 30001, false), (0, 60001, false), (3000, 100, false), (-1, 10, false), (0, 0, false),
    ])
    func pageLimit(number: Int, size: Int, accepted: Bool) {
        let json = "{\"page\":{\"number\":\(number),\"size\":\(size)}}"
        do {
            let query = try parse(json)
            #expect(accepted)
            #expect(query.offset == number * size)
        } catch {
            #expect(!accepted)
            #expect(error.statusCode == 400 && error.type == "INVALID_REQUEST")
        }
    }

    @Test func defaults() throws {
        let q = try parse(nil)
        #expect(q.pageNumber == 0 && q.size == 10)
        #expect(q.timestampType == .statusChangedAt && q.sortBy == .statusChangedAt && !q.ascending)
        #expect(q.until == Self.now && q.from == Self.now - 90 * 86_400 * 1_000_000_000)
        let created = try parse("{\"filter\":{\"timestampType\":\"CREATED_AT\"}}")
        #expect(created.sortBy == .requestedAt)
    }

    @Test func filterStatusUsesPendingForPayPending() throws {
        let q = try parse("{\"filter\":{\"status\":[\"PENDING\",\"PAID\"]}}")
        #expect(
            q.statuses == [SimulatedPayment.PaymentStatus.payPending.code, SimulatedPayment.PaymentStatus.paid.code])
        #expect(throws: APIError.self) { try parse("{\"filter\":{\"status\":[\"PAY_PENDING\"]}}") }
    }

    @Test func anotherStoreIsForbidden() {
        #expect(throws: APIError.forbidden("store-other")) { try parse("{\"filter\":{\"storeId\":\"store-other\"}}") }
    }

    @Test(arguments: [
        "not json", "[1]", "{\"pgae\":{}}", "{\"page\":{\"number\":\"1\"}}", "{\"page\":{\"size\":1.5}}",
        "{\"filter\":{\"from\":\"yesterday\"}}", "{\"filter\":{\"sortBy\":\"AMOUNT\"}}",
        "{\"filter\":{\"sortOrder\":\"UP\"}}",
        "{\"filter\":{\"timestampType\":\"PAID_AT\"}}", "{\"filter\":{\"version\":\"V3\"}}",
    ])
    func badBodiesAreInvalidRequests(json: String) {
        #expect(throws: APIError.self) { try parse(json) }
    }

    @Test func anUnencodedPlusGetsAHint() {
        do {
            _ = try parse("{\"filter\":{\"from\":\"2026-11-24T09:00:00 09:00\"}}")
            Issue.record("accepted")
        } catch {
            #expect(error.message.contains("%2B"))
        }
        #expect(throws: Never.self) { try parse("{\"filter\":{\"from\":\"2026-11-24T09:00:00+09:00\"}}") }
    }

    @Test func cursorRoundTrips() throws {
        let cursor = PageCursor(at: -5, id: "pay:with:colons", ordinal: 3)
        #expect(PageCursor(encoded: cursor.encoded) == cursor)
        #expect(PageCursor(encoded: "garbage!") == nil)
    }

    /// The byte-by-byte encoding writes what Foundation's base64 with `+/=` replaced wrote (every
    /// length modulo 3, bytes that give `+` and `/`, text beyond ASCII), and reads back.
    @Test(arguments: [
        "p", "pa", "pay", "pay-", "pay-0192f3a1-7c3e-7d2a-9b1e-4c5d6e7f8a9b", "결제-한글", "~~~???>>>", "\u{1F4B3}card",
    ])
    func cursorEncodingIsBase64URLWithoutPadding(_ id: String) throws {
        for (at, ordinal) in [(0 as Int64, 0), (1_790_000_000_123_456_789, 2), (-5, 13), (Int64.max, 100)] {
            let cursor = PageCursor(at: at, id: id, ordinal: ordinal)
            let foundation = Data("\(at):\(ordinal):\(id)".utf8).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
            #expect(cursor.encoded == foundation)
            #expect(PageCursor(encoded: cursor.encoded) == cursor)
        }
    }
}
