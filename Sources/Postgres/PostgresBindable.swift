import Foundation

/// A Swift value that can be bound to a `$n` query parameter (sent in text format).
///
/// The server infers each parameter's type from the statement; add a cast (`$1::jsonb`,
/// `$2::timestamptz`) where the context does not fix it.
public protocol PostgresBindable {
    /// The parameter's text representation; nil binds SQL NULL.
    var postgresText: String? { get }
}

extension String: PostgresBindable {
    /// The string itself.
    public var postgresText: String? { self }
}

extension Substring: PostgresBindable {
    /// The substring as a string.
    public var postgresText: String? { String(self) }
}

extension Int: PostgresBindable {
    /// Decimal digits.
    public var postgresText: String? { String(self) }
}

extension Int32: PostgresBindable {
    /// Decimal digits.
    public var postgresText: String? { String(self) }
}

extension Int64: PostgresBindable {
    /// Decimal digits.
    public var postgresText: String? { String(self) }
}

extension Bool: PostgresBindable {
    /// `true` or `false`.
    public var postgresText: String? { self ? "true" : "false" }
}

extension Date: PostgresBindable {
    /// `YYYY-MM-DD HH:MM:SS.ffffff+00`: exact to the microsecond, read as UTC by `timestamp`
    /// (which ignores the offset) and by `timestamptz`.
    public var postgresText: String? { PostgresTimestamp.format(self) }
}

extension Data: PostgresBindable {
    /// `bytea` hex format, `\x0102...`.
    public var postgresText: String? {
        let digits = Array("0123456789abcdef".utf8)
        var bytes: [UInt8] = [UInt8(ascii: "\\"), UInt8(ascii: "x")]
        bytes.reserveCapacity(2 + count * 2)
        for byte in self {
            bytes.append(digits[Int(byte >> 4)])
            bytes.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension UUID: PostgresBindable {
    /// Lowercase canonical form.
    public var postgresText: String? { uuidString.lowercased() }
}

extension Optional: PostgresBindable where Wrapped: PostgresBindable {
    /// The wrapped value's text, or nil (SQL NULL).
    public var postgresText: String? {
        switch self {
        case .none: return nil
        case .some(let value): return value.postgresText
        }
    }
}

/// A JSON document to bind to a `json`/`jsonb` parameter.
public struct JSONParameter: PostgresBindable, Sendable {
    /// The JSON text sent to the server.
    public let json: String

    /// Binds JSON text as it is (the server validates it).
    public init(rawJSON: String) {
        self.json = rawJSON
    }

    /// Encodes `value` with sorted keys (stable text; `jsonb` does not keep key order anyway).
    ///
    /// - Throws: `.misuse` when `value` cannot be encoded (e.g. a non-finite `Double`).
    public init<Value: Encodable>(encoding value: Value, encoder: JSONEncoder? = nil) throws(PostgresError) {
        let encoder =
            encoder
            ?? {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                encoder.dateEncodingStrategy = .iso8601
                return encoder
            }()
        do {
            self.json = String(decoding: try encoder.encode(value), as: UTF8.self)
        } catch {
            throw PostgresError.misuse("a \(Value.self) value cannot be encoded as JSON: \(error)")
        }
    }

    /// The JSON text.
    public var postgresText: String? { json }
}
