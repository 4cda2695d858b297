import Foundation
import WireFormat

/// What the simulator tests read JSON with: WireFormat's `JSONValue`, with optional-chaining
/// accessors so a test tells an absent member (nil) from a `null` one.
extension JSONValue {
    /// Parses bytes strictly (RFC 8259), nested as deep as the OpenAPI document needs.
    static func parse(_ bytes: [UInt8]) throws -> JSONValue {
        try parse(Data(bytes), maximumDepth: 512)
    }

    /// The member `key` of an object; nil when absent or when this is not an object.
    subscript(member key: String) -> JSONValue? {
        objectValue?[key]
    }

    /// The string, if this is one.
    var string: String? { stringValue }
    /// The whole number, if this is one.
    var int: Int64? { integerValue }
    /// The elements, if this is an array.
    var array: [JSONValue]? { if case .array(let items) = self { items } else { nil } }
    /// The members, if this is an object.
    var object: [String: JSONValue]? { objectValue }
}

/// A simulator test's own precondition failed (no simulator binary, no schema document).
struct SimulatorTestFailure: Error, CustomStringConvertible {
    /// What is missing.
    var description: String
}
