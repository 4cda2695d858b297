import LedgerStore
import Testing

/// The `text[]` literal the ledger queries bind, without a server: what `postgresText` writes,
/// `parse` reads back exactly, for every hostile id; malformed literals are refused.
@Suite struct TextArrayTests {
    /// Ids an attacker or a sloppy client could put in customData or a payment id.
    static let hostileIds: [String?] = [
        "a\"b", "a,b", "{x}", "{", "}", "back\\slash", "\\\\", "NULL", "null", "", " spaced ", "결제_한국어_주문",
        "\"{,}\\\"", "tab\tid", "new\nline", "emoji😀", "'single'", "a b", "$1", "ARRAY[1]", nil,
    ]

    @Test("each element alone round-trips through the literal", arguments: hostileIds)
    func single(element: String?) throws {
        let literal = try #require(TextArray(optionals: [element]).postgresText)
        #expect(try TextArray.parse(literal) == [element])
    }

    @Test("all elements together, in order, round-trip")
    func all() throws {
        let literal = try #require(TextArray(optionals: Self.hostileIds).postgresText)
        #expect(try TextArray.parse(literal) == Self.hostileIds)
    }

    @Test(
        "literals the server writes are read as the server means them",
        arguments: [
            ("{}", []), ("{a}", ["a"]), (#"{"a b",NULL,""}"#, ["a b", nil, ""]), (#"{"NULL"}"#, ["NULL"]),
            (#"{"\"","a\\b"}"#, ["\"", "a\\b"]),
        ] as [(String, [String?])])
    func serverLiterals(literal: String, elements: [String?]) throws {
        #expect(try TextArray.parse(literal) == elements)
    }

    @Test("text that is not a one-dimensional array literal is refused", arguments: ["", "a", "{", "{a", "{{a}}"])
    func malformed(text: String) {
        #expect(throws: LedgerStoreError.self) { try TextArray.parse(text) }
    }
}
