import Foundation
import PortOne
import ReconcilerCore
import Testing
import WireFormat

@Suite struct RequestEncodingTests {
    static let store = "store-00000000-0000-4000-8000-000000000001"

    @Test func encodesTheGetPaymentsBodyWithStoreIdAlwaysAndUTCTimestamps() throws {
        let query = PaymentListQuery(
            storeId: Self.store, from: try RFC3339.parse("2026-11-24T09:00:00+09:00"),
            until: try RFC3339.parse("2026-11-25T00:00:00.000000001Z"), statuses: [.paid, .payPending],
            sortBy: .statusChangedAt, sortOrder: .ascending, pageNumber: 2, pageSize: 500)
        #expect(
            query.requestBodyJSON
                == #"{"page":{"number":2,"size":500},"filter":{"storeId":"store-00000000-0000-4000-8000-000000000001","#
                + #""timestampType":"STATUS_CHANGED_AT","from":"2026-11-24T00:00:00Z","until":"2026-11-25T00:00:00.000000001Z","#
                + #""status":["PAID","PENDING"],"sortBy":"STATUS_CHANGED_AT","sortOrder":"ASC"}}"#)
        let object = try JSONSerialization.jsonObject(with: Data(query.requestBodyJSON.utf8)) as! [String: Any]
        #expect((object["filter"] as! [String: Any])["storeId"] as? String == Self.store)
    }

    @Test func minimalQueryStillCarriesStoreAndTimestampType() {
        let query = PaymentListQuery(storeId: "s", timestampType: .createdAt, pageSize: 10)
        #expect(
            query.requestBodyJSON
                == #"{"page":{"number":0,"size":10},"filter":{"storeId":"s","timestampType":"CREATED_AT"}}"#)
    }

    @Test func pathPercentEncodesTheWholeJSON() throws {
        let query = PaymentListQuery(storeId: "a+b&c=d #%/?", pageSize: 1)
        let path = query.pathAndQuery
        #expect(path.hasPrefix("/payments?requestBody=%7B%22page%22%3A%7B%22number%22%3A0"))
        let encoded = String(path.dropFirst("/payments?requestBody=".count))
        #expect(!encoded.contains("+"))
        #expect(!encoded.contains("&"))
        #expect(!encoded.contains("="))
        #expect(!encoded.contains("#"))
        #expect(!encoded.contains("/"))
        #expect(encoded.contains("a%2Bb%26c%3Dd%20%23%25%2F%3F"))
        #expect(encoded.removingPercentEncoding == query.requestBodyJSON)
    }

    static let percentCases: [(String, String)] = [
        ("abcXYZ019-._~", "abcXYZ019-._~"),
        ("+09:00", "%2B09%3A00"),
        ("a b", "a%20b"),
        ("결제", "%EA%B2%B0%EC%A0%9C"),
        ("100%", "100%25"),
        ("{\"x\":[1]}", "%7B%22x%22%3A%5B1%5D%7D"),
        ("", ""),
    ]

    @Test(arguments: percentCases)
    func percentEncodesEverythingButUnreserved(raw: String, encoded: String) {
        #expect(JSONText.percentEncodeQueryValue(raw) == encoded)
        #expect(JSONText.percentEncodePathSegment(raw) == encoded)
    }

    static let jsonStrings: [(String, String)] = [
        ("plain", #""plain""#),
        ("quote\"back\\slash", #""quote\"back\\slash""#),
        ("line\nbreak\ttab\r", #""line\nbreak\ttab\r""#),
        ("\u{01}", #""\u0001""#),
        ("스타터", #""스타터""#),
    ]

    @Test(arguments: jsonStrings)
    func writesJSONStringLiterals(raw: String, literal: String) throws {
        #expect(JSONText.string(raw) == literal)
        #expect(
            try JSONSerialization.jsonObject(with: Data(literal.utf8), options: .fragmentsAllowed) as? String == raw)
    }

    @Test func encodesTheCursorBody() throws {
        var query = CursorQuery(storeId: "s", from: try RFC3339.parse("2026-01-01T00:00:00Z"), size: 1000)
        #expect(query.requestBodyJSON == #"{"storeId":"s","from":"2026-01-01T00:00:00Z","size":1000}"#)
        query.cursor = "Y3Vyc29y+/="
        query.until = try RFC3339.parse("2026-02-01T00:00:00.5Z")
        #expect(
            query.requestBodyJSON
                == #"{"storeId":"s","from":"2026-01-01T00:00:00Z","until":"2026-02-01T00:00:00.500Z","cursor":"Y3Vyc29y+/=","size":1000}"#
        )
    }
}
