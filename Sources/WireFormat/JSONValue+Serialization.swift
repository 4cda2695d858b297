/// Deterministic compact JSON text, for jsonb columns, report files and comparisons in tests.
extension JSONValue {
    /// The value as compact JSON: no whitespace, object keys sorted by their UTF-8 bytes, strings
    /// escaped as RFC 8259 requires (`"`, `\`, and control characters; U+2028 and U+2029 too, so
    /// the text can sit inside an HTML `<script>`), other characters kept as UTF-8. The same
    /// value always gives the same text, and ``parse(_:maximumDepth:)`` reads it back to an
    /// equal value. A non-finite `.number` (which JSON cannot express) is written as `null`.
    public func serialized() -> String {
        var output = ""
        Self.write(self, into: &output)
        return output
    }

    /// Appends the same text as ``serialized()`` to `output`: a large document can then be
    /// written part by part without building one tree of all of it.
    public func serialize(into output: inout String) {
        Self.write(self, into: &output)
    }

    private static func write(_ value: JSONValue, into output: inout String) {
        switch value {
        case .null:
            output += "null"
        case .bool(let flag):
            output += flag ? "true" : "false"
        case .integer(let number):
            output += String(number)
        case .number(let number):
            output += number.isFinite ? "\(number)" : "null"
        case .string(let text):
            writeString(text, into: &output)
        case .array(let elements):
            output += "["
            for (index, element) in elements.enumerated() {
                if index > 0 { output += "," }
                write(element, into: &output)
            }
            output += "]"
        case .object(let members):
            output += "{"
            let keys = members.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            for (index, key) in keys.enumerated() {
                if index > 0 { output += "," }
                writeString(key, into: &output)
                output += ":"
                write(members[key]!, into: &output)
            }
            output += "}"
        }
    }

    private static func writeString(_ text: String, into output: inout String) {
        output += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "\u{08}": output += "\\b"
            case "\u{0C}": output += "\\f"
            case "\u{2028}": output += "\\u2028"
            case "\u{2029}": output += "\\u2029"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16, uppercase: false)
                    output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        output += "\""
    }
}
