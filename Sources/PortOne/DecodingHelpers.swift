import ReconcilerCore
import WireFormat

extension KeyedDecodingContainer {
    /// Decodes an RFC 3339 timestamp string (0–9 fractional digits, `Z` or ±hh:mm).
    func decodeTimestamp(forKey key: Key) throws -> RFC3339.Timestamp {
        let text = try decode(String.self, forKey: key)
        do {
            return try RFC3339.parse(text)
        } catch {
            throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: error.description)
        }
    }

    /// Decodes an optional RFC 3339 timestamp string (absent or null: nil).
    func decodeTimestampIfPresent(forKey key: Key) throws -> RFC3339.Timestamp? {
        guard let text = try decodeIfPresent(String.self, forKey: key) else { return nil }
        do {
            return try RFC3339.parse(text)
        } catch {
            throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: error.description)
        }
    }

    /// Decodes an optional array, treating absence and null as empty.
    func decodeArrayIfPresent<Element: Decodable>(_ type: [Element].Type, forKey key: Key) throws -> [Element] {
        try decodeIfPresent(type, forKey: key) ?? []
    }
}

/// A coding key for any JSON field name.
struct AnyCodingKey: CodingKey {
    /// The member name.
    var stringValue: String
    /// The array index, if any.
    var intValue: Int?
    /// A key for a member name.
    init(stringValue: String) { self.stringValue = stringValue }
    /// A key for an array index.
    init?(intValue: Int) {
        self.stringValue = String(intValue)
        self.intValue = intValue
    }
}

/// Turns a `DecodingError` into a short reason naming the field, relative to an object.
enum DecodingFailureReason {
    /// A one-line reason such as `missing field 'amount.paid'`.
    static func describe(_ error: any Error, droppingPathPrefix prefix: Int) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            let relevant = keys.dropFirst(prefix)
            guard !relevant.isEmpty else { return "(object)" }
            return relevant.map { key in key.intValue.map { "[\($0)]" } ?? key.stringValue }
                .joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
        }
        guard let error = error as? DecodingError else {
            let text = String(describing: error)
            if text.hasPrefix("numberIsNotRepresentableInSwift") {
                return "a number does not fit its integer field (\(text.drop { $0 != "\"" }.prefix(40)))"
            }
            return text
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "missing field '\(path(context.codingPath + [key]))'"
        case .valueNotFound(_, let context):
            return "field '\(path(context.codingPath))' is null"
        case .typeMismatch(let type, let context):
            return "field '\(path(context.codingPath))' has the wrong type (expected \(type))"
        case .dataCorrupted(let context):
            if context.codingPath.count <= prefix { return "not a JSON object (\(context.debugDescription))" }
            return "field '\(path(context.codingPath))': \(context.debugDescription)"
        @unknown default:
            return String(describing: error)
        }
    }
}
