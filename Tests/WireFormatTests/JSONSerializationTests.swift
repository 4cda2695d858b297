import Foundation
import Testing
import WireFormat

@Suite struct JSONSerializationTests {
    @Test(arguments: [
        (JSONValue.null, "null"),
        (.bool(true), "true"),
        (.bool(false), "false"),
        (.integer(0), "0"),
        (.integer(.min), "-9223372036854775808"),
        (.integer(.max), "9223372036854775807"),
        (.number(1.5), "1.5"),
        (.number(-0.25), "-0.25"),
        (.number(.infinity), "null"),
        (.number(.nan), "null"),
        (.string(""), #""""#),
        (.string("스타터 ₩10,000"), #""스타터 ₩10,000""#),
        (.string("a\"b\\c/d"), #""a\"b\\c/d""#),
        (.string("\n\r\t\u{08}\u{0C}"), #""\n\r\t\b\f""#),
        (.string("\u{00}\u{01}\u{1F}\u{7F}"), #""\u0000\u0001\u001f\#u{7F}""#),
        (.string("\u{2028}\u{2029}"), #""\u2028\u2029""#),
        (.string("😀"), #""😀""#),
        (.array([]), "[]"),
        (.object([:]), "{}"),
        (.array([.integer(1), .string("a"), .null, .array([])]), #"[1,"a",null,[]]"#),
        (
            .object(["b": .integer(2), "a": .object(["z": .null, "y": .bool(true)]), "B": .array([])]),
            #"{"B":[],"a":{"y":true,"z":null},"b":2}"#
        ),
        (.object(["é": .integer(1), "z": .integer(2), "가": .integer(3)]), #"{"z":2,"é":1,"가":3}"#),
    ])
    func serializes(value: JSONValue, text: String) {
        #expect(value.serialized() == text)
    }

    @Test func sameValueSameTextWhateverTheInsertionOrder() {
        var first: [String: JSONValue] = [:]
        var second: [String: JSONValue] = [:]
        let keys = (0..<200).map { "key\($0)" }
        for key in keys { first[key] = .string(key) }
        for key in keys.reversed() { second[key] = .string(key) }
        #expect(JSONValue.object(first).serialized() == JSONValue.object(second).serialized())
    }

    @Test func parsesBackToAnEqualValue() throws {
        let value = JSONValue.object([
            "paymentId": .string("pay_\"1\"\n"), "amounts": .array([.integer(50_000), .integer(-600), .number(0.5)]),
            "nested": .object(["control": .string("\u{01}\u{1F}\u{2028}"), "korean": .string("비즈니스")]),
            "flags": .array([.bool(true), .bool(false), .null]),
        ])
        #expect(try JSONValue.parse(Data(value.serialized().utf8)) == value)
    }
}
