import Foundation

/// A JSON document as plain values, so configuration can be checked field by field and every
/// problem reported with its path, rather than failing at the first mismatch.
public enum JSONValue: Equatable, Sendable {
    /// `null`
    case null
    /// `true` / `false`
    case bool(Bool)
    /// A number without fraction or exponent that fits in 64 bits.
    case integer(Int64)
    /// Any other number (kept only to say it is not a whole number).
    case number(Double)
    /// A string.
    case string(String)
    /// An array.
    case array([JSONValue])
    /// An object; key order is not kept.
    case object([String: JSONValue])

    /// Parses a JSON document strictly (RFC 8259: no trailing commas, no comments, valid UTF-8,
    /// nesting at most `maximumDepth` deep).
    public static func parse(_ data: Data, maximumDepth: Int = 64) throws(JSONSyntaxError) -> JSONValue {
        try JSONParser.parse([UInt8](data), maximumDepth: maximumDepth)
    }

    /// A short name of the value's type, for messages.
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .integer: "a whole number"
        case .number: "a number with a fraction"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}
