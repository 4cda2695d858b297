import Foundation
import Testing
import WireFormat

@Suite struct JSONValueTests {
    static let cases: [(String, JSONValue)] = [
        ("null", .null),
        ("true", .bool(true)),
        ("false", .bool(false)),
        ("0", .integer(0)),
        ("1", .integer(1)),
        ("-9223372036854775808", .integer(.min)),
        ("9223372036854775807", .integer(.max)),
        ("1.5", .number(1.5)),
        ("\"스타터\"", .string("스타터")),
        ("[1,\"a\",null]", .array([.integer(1), .string("a"), .null])),
        ("{\"a\":{\"b\":[]}}", .object(["a": .object(["b": .array([])])])),
    ]

    @Test(arguments: cases)
    func parses(text: String, expected: JSONValue) throws {
        #expect(try JSONValue.parse(Data(text.utf8)) == expected)
    }

    @Test func stringsDecodeEscapesAndRejectInvalidUTF8() throws {
        #expect(try JSONValue.parse(Data(#""a\n\"\u00e9\ud83d\ude00\/""#.utf8)) == .string("a\n\"é😀/"))
        #expect(throws: JSONSyntaxError.self) { try JSONValue.parse(Data([0x22, 0xFF, 0x22])) }
    }

    @Test func depthIsBounded() throws {
        let deep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        #expect(throws: JSONSyntaxError.self) { try JSONValue.parse(Data(deep.utf8)) }
        let fine = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect(try JSONValue.parse(Data(fine.utf8)) != .null)
    }

    @Test(arguments: ["9223372036854775808", "1e400", "1.0", "-0.5"])
    func hugeNumbersAreNotWholeNumbers(text: String) throws {
        let value = try JSONValue.parse(Data(text.utf8))
        if case .integer = value { Issue.record("\(text) must not decode as a 64-bit integer") }
    }

    @Test(arguments: [
        "", "{", "[1,]", "{\"a\" 1}", "nul", "01", "1.", "-", "\"a", "\"\\x\"", "\"\\ud800\"", "[1] 2",
        "{\"a\":1,\"a\":2}", "\"\u{1}\"", "{,}", "tru", "[\"\\u12\"]",
    ])
    func rejectsMalformedJSON(text: String) {
        #expect(throws: (any Error).self) { try JSONValue.parse(Data(text.utf8)) }
    }
}
