/// Deterministic compact JSON text, for jsonb columns, report files and comparisons in tests.
extension JSONValue {
    /// The value as compact JSON: no whitespace, object keys sorted by their UTF-8 bytes, strings
    /// escaped as RFC 8259 requires (`"`, `\`, and control characters; U+2028 and U+2029 too, so
    /// the text can sit inside an HTML `<script>`), other characters kept as UTF-8. The same
    /// value always gives the same text, and ``parse(_:maximumDepth:)`` reads it back to an
    /// equal value. A non-finite `.number` (which JSON cannot express) is written as `null`.
    public func serialized() -> String {
        var bytes: [UInt8] = []
        Self.write(self, into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the same text as ``serialized()`` to `output`: a large document can then be
    /// written part by part without building one tree of all of it.
    public func serialize(into output: inout String) {
        output += serialized()
    }

    private static func write(_ value: JSONValue, into output: inout [UInt8]) {
        switch value {
        case .null:
            output += "null".utf8
        case .bool(let flag):
            output += (flag ? "true" : "false").utf8
        case .integer(let number):
            output += String(number).utf8
        case .number(let number):
            output += (number.isFinite ? "\(number)" : "null").utf8
        case .string(let text):
            JSONString.appendQuoted(text, to: &output)
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                write(element, into: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let members):
            output.append(UInt8(ascii: "{"))
            let keys = members.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            for (index, key) in keys.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                JSONString.appendQuoted(key, to: &output)
                output.append(UInt8(ascii: ":"))
                write(members[key]!, into: &output)
            }
            output.append(UInt8(ascii: "}"))
        }
    }
}
