import Postgres

/// A `text[]` query parameter, e.g. for `WHERE "paymentId" = ANY($1::text[])`.
///
/// Every element is written as a double-quoted array element with `\` and `"` escaped, so any
/// string (commas, braces, quotes, backslashes, whitespace, the word `NULL`, Korean) arrives
/// as exactly itself; nil elements are SQL NULL. Strings cannot contain NUL (PostgreSQL's
/// `text` cannot either).
public struct TextArray: PostgresBindable, Sendable, Hashable {
    /// The elements, in order.
    public var elements: [String?]

    /// Binds `elements` as a `text[]`.
    public init(_ elements: [String]) {
        self.elements = elements.map { $0 }
    }

    /// Binds `elements` as a `text[]` with SQL NULL for nil.
    public init(optionals elements: [String?]) {
        self.elements = elements
    }

    /// The array literal, e.g. `{"a","b \"c\"",NULL}`. Built from the elements' UTF-8 bytes:
    /// `\` and `"` are ASCII, so escaping byte by byte is exact, and runs of bytes that need no
    /// escape are copied whole (a repair queue page is hundreds of kilobytes of JSON).
    public var postgresText: String? {
        let (quote, backslash) = (UInt8(ascii: "\""), UInt8(ascii: "\\"))
        var bytes: [UInt8] = []
        bytes.reserveCapacity(elements.reduce(2) { $0 + ($1?.utf8.count ?? 4) + 3 })
        bytes.append(UInt8(ascii: "{"))
        for (index, element) in elements.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            guard var element else {
                bytes.append(contentsOf: "NULL".utf8)
                continue
            }
            bytes.append(quote)
            element.withUTF8 { utf8 in
                var start = 0
                for position in utf8.indices where utf8[position] == quote || utf8[position] == backslash {
                    bytes.append(contentsOf: utf8[start..<position])
                    bytes.append(backslash)
                    start = position
                }
                bytes.append(contentsOf: utf8[start...])
            }
            bytes.append(quote)
        }
        bytes.append(UInt8(ascii: "}"))
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Reads a one-dimensional array in PostgreSQL's text output format (`{a,"b c",NULL}`).
    ///
    /// - Throws: `LedgerStoreError` when the text is not a one-dimensional array literal.
    public static func parse(_ text: String) throws(LedgerStoreError) -> [String?] {
        let scalars = Array(text.unicodeScalars)
        func malformed() -> LedgerStoreError {
            LedgerStoreError.refused(
                "the database returned an array this build cannot read (expected a one-dimensional text[])")
        }
        var index = 0
        // An explicit lower bound, e.g. `[0:1]={a,b}`, is skipped.
        if scalars.first == "[" {
            guard let equals = scalars.firstIndex(of: "=") else { throw malformed() }
            index = equals + 1
        }
        guard index < scalars.count, scalars[index] == "{", scalars.last == "}" else { throw malformed() }
        index += 1
        var result: [String?] = []
        if index == scalars.count - 1 { return result }
        while index < scalars.count - 1 {
            if scalars[index] == "\"" {
                index += 1
                var element = String.UnicodeScalarView()
                while true {
                    guard index < scalars.count - 1 else { throw malformed() }
                    let scalar = scalars[index]
                    if scalar == "\\" {
                        index += 1
                        guard index < scalars.count - 1 else { throw malformed() }
                        element.append(scalars[index])
                    } else if scalar == "\"" {
                        index += 1
                        break
                    } else {
                        element.append(scalar)
                    }
                    index += 1
                }
                result.append(String(element))
            } else {
                var element = String.UnicodeScalarView()
                while index < scalars.count - 1, scalars[index] != "," {
                    if scalars[index] == "{" || scalars[index] == "}" { throw malformed() }
                    element.append(scalars[index])
                    index += 1
                }
                let word = String(element)
                result.append(word.uppercased() == "NULL" ? nil : word)
            }
            if index < scalars.count - 1 {
                guard scalars[index] == "," else { throw malformed() }
                index += 1
                if index == scalars.count - 1 { throw malformed() }
            }
        }
        return result
    }
}
