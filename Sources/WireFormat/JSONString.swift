/// The one JSON string escaper: RFC 8259's required escapes (`"`, `\`, control characters) plus
/// U+2028 and U+2029, so the text can also sit inside an HTML `<script>`; everything else is kept
/// as UTF-8. `JSONValue`'s serializer and the simulator's byte writer both write through it.
public enum JSONString {
    /// The two-character escapes (`\n` and its kin) by the byte they replace; other control
    /// characters are written `\u00xx`.
    @usableFromInline
    static let shortEscapes: [UInt8: UInt8] = [
        0x22: UInt8(ascii: "\""), 0x5C: UInt8(ascii: "\\"), 0x0A: UInt8(ascii: "n"), 0x0D: UInt8(ascii: "r"),
        0x09: UInt8(ascii: "t"), 0x08: UInt8(ascii: "b"), 0x0C: UInt8(ascii: "f"),
    ]

    /// `text` as a quoted JSON string literal.
    public static func quoted(_ text: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count + 2)
        appendQuoted(text, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends `text` as a quoted JSON string literal to `bytes`.
    @inlinable
    public static func appendQuoted(_ text: String, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            // Most text needs no escape at all: copy it in one go.
            if !utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C || $0 == 0xE2 }) {
                bytes.append(contentsOf: utf8)
            } else {
                appendEscaped(utf8, to: &bytes)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    @usableFromInline
    static func appendEscaped(_ utf8: UnsafeBufferPointer<UInt8>, to bytes: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        var index = 0
        while index < utf8.count {
            let byte = utf8[index]
            index += 1
            if let short = shortEscapes[byte] {
                bytes.append(UInt8(ascii: "\\"))
                bytes.append(short)
            } else if byte < 0x20 {
                bytes.append(contentsOf: Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]])
            } else if byte == 0xE2, index + 1 < utf8.count, utf8[index] == 0x80, utf8[index + 1] & 0xFE == 0xA8 {
                // U+2028 LINE SEPARATOR and U+2029 PARAGRAPH SEPARATOR (E2 80 A8/A9).
                bytes.append(contentsOf: Array("\\u202".utf8) + [utf8[index + 1] == 0xA8 ? 0x38 : 0x39])
                index += 2
            } else {
                bytes.append(byte)
            }
        }
    }
}
