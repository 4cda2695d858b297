import Testing
import WireFormat

/// The one JSON string escaper, byte for byte.
@Suite struct JSONStringTests {
    @Test(arguments: [
        ("plain", #""plain""#),
        ("비즈니스 …", #""비즈니스 …""#),
        ("a\"b\\c", #""a\"b\\c""#),
        ("\n\r\t\u{08}\u{0C}", #""\n\r\t\b\f""#),
        ("\u{01}\u{1F}\u{7F}", #""\u0001\u001f"# + "\u{7F}\""),
        ("x\u{2028}y\u{2029}z", #""x\u2028y\u2029z""#),
        ("→ ≥", #""→ ≥""#),
    ])
    func quotes(text: String, literal: String) {
        #expect(JSONString.quoted(text) == literal)
        var bytes: [UInt8] = [0x5B]
        JSONString.appendQuoted(text, to: &bytes)
        #expect(bytes == [0x5B] + Array(literal.utf8))
    }

    @Test(arguments: ["", "plain", "a\"b\\c\n", "\u{00}\u{1F}", "x\u{2028}\u{2029}", "😀 비즈니스"])
    func parsesBack(text: String) throws {
        #expect(try JSONValue.parse(.init(JSONString.quoted(text).utf8)) == .string(text))
    }
}
