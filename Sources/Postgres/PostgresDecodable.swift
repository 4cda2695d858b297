import Foundation

/// A Swift type a column value (in PostgreSQL's text format) can be read as.
///
/// `Optional` conforms when its wrapped type does: SQL NULL reads as nil, and reading NULL
/// as a non-optional type throws.
public protocol PostgresDecodable {
    /// Reads the text form of a non-NULL value of PostgreSQL type `type`.
    static func decode(postgresText text: String, type: PostgresType) throws(PostgresError) -> Self
    /// The value for SQL NULL; throws for non-optional types.
    static func decodeNull() throws(PostgresError) -> Self
}

extension PostgresDecodable {
    /// NULL is not a value of this type.
    public static func decodeNull() throws(PostgresError) -> Self {
        throw PostgresError.decoding("is NULL but was read as non-optional \(Self.self)")
    }
}

/// A PostgreSQL type by its OID (the built-in ones the reconciler reads are named).
public struct PostgresType: Sendable, Hashable, CustomStringConvertible {
    /// The type's OID in `pg_type`.
    public var oid: UInt32

    /// Wraps an OID.
    public init(oid: UInt32) { self.oid = oid }

    /// `bool`.
    public static let bool = PostgresType(oid: 16)
    /// `bytea`.
    public static let bytea = PostgresType(oid: 17)
    /// `int8`/`bigint`.
    public static let int8 = PostgresType(oid: 20)
    /// `int2`/`smallint`.
    public static let int2 = PostgresType(oid: 21)
    /// `int4`/`integer`.
    public static let int4 = PostgresType(oid: 23)
    /// `text`.
    public static let text = PostgresType(oid: 25)
    /// `oid`.
    public static let oidType = PostgresType(oid: 26)
    /// `json`.
    public static let json = PostgresType(oid: 114)
    /// `date`.
    public static let date = PostgresType(oid: 1082)
    /// `timestamp` (without time zone; the reconciler stores UTC there).
    public static let timestamp = PostgresType(oid: 1114)
    /// `timestamptz`.
    public static let timestamptz = PostgresType(oid: 1184)
    /// `numeric`.
    public static let numeric = PostgresType(oid: 1700)
    /// `jsonb`.
    public static let jsonb = PostgresType(oid: 3802)

    /// The type's name for the named ones, else `oid N`.
    public var description: String {
        let names: [UInt32: String] = [
            16: "bool", 17: "bytea", 20: "bigint", 21: "smallint", 23: "integer", 25: "text", 26: "oid",
            114: "json", 1043: "varchar", 1082: "date", 1114: "timestamp", 1184: "timestamptz",
            1700: "numeric", 3802: "jsonb",
        ]
        return names[oid] ?? "oid \(oid)"
    }

    var isInteger: Bool { self == .int2 || self == .int4 || self == .int8 || self == .oidType }
}

extension String: PostgresDecodable {
    /// Any type's text form.
    public static func decode(postgresText text: String, type: PostgresType) throws(PostgresError) -> String { text }
}

extension Int64: PostgresDecodable {
    /// Integer types, and `numeric` values without a fraction.
    public static func decode(postgresText text: String, type: PostgresType) throws(PostgresError) -> Int64 {
        guard type.isInteger || type == .numeric || type == .text else {
            throw PostgresError.decoding("has type \(type), which is not read as Int64")
        }
        if let value = Int64(text) { return value }
        if type == .numeric, let point = text.firstIndex(of: "."),
            text[text.index(after: point)...].allSatisfy({ $0 == "0" }),
            let value = Int64(text[..<point])
        {
            return value
        }
        throw PostgresError.decoding("holds a \(type) value that is not an integer in Int64's range")
    }
}

extension Int32: PostgresDecodable {
    /// Integer types within Int32's range.
    public static func decode(postgresText text: String, type: PostgresType) throws(PostgresError) -> Int32 {
        let wide = try Int64.decode(postgresText: text, type: type)
        guard let value = Int32(exactly: wide) else {
            throw PostgresError.decoding("holds a \(type) value outside Int32's range")
        }
        return value
    }
}

extension Int: PostgresDecodable {
    /// Integer types.
    public static func decode(postgresText text: String, type: PostgresType) throws(PostgresError) -> Int {
        Int(try Int64.decode(postgresText: text, type: type))
    }
}

extension Bool: PostgresDecodable {
    /// `bool` (`t`/`f`).
    public static func decode(postgresText text: String, type: PostgresType) throws(PostgresError) -> Bool {
        switch text {
        case "t", "true": return true
        case "f", "false": return false
        default: throw PostgresError.decoding("has type \(type), which is not read as Bool")
        }
    }
}

extension Date: PostgresDecodable {
    /// `timestamp` (read as UTC), `timestamptz` (the session time zone is UTC), `date` (midnight UTC).
    public static func decode(postgresText text: String, type: PostgresType) throws(PostgresError) -> Date {
        guard type == .timestamp || type == .timestamptz || type == .date || type == .text else {
            throw PostgresError.decoding("has type \(type), which is not read as Date")
        }
        guard let date = PostgresTimestamp.parse(text) else {
            throw PostgresError.decoding("holds a \(type) value that is not a finite timestamp")
        }
        return date
    }
}

extension Data: PostgresDecodable {
    /// `bytea` (hex format) as its bytes; any other type as the UTF-8 bytes of its text (e.g. `jsonb`).
    public static func decode(postgresText text: String, type: PostgresType) throws(PostgresError) -> Data {
        guard type == .bytea else { return Data(text.utf8) }
        let bytes = Array(text.utf8)
        guard bytes.count >= 2, bytes[0] == UInt8(ascii: "\\"), bytes[1] == UInt8(ascii: "x"), bytes.count % 2 == 0
        else { throw PostgresError.decoding("holds bytea in an unexpected format (expected hex)") }
        func nibble(_ byte: UInt8) throws(PostgresError) -> UInt8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
            default: throw PostgresError.decoding("holds bytea with a non-hex digit")
            }
        }
        var data = Data(capacity: (bytes.count - 2) / 2)
        var index = 2
        while index < bytes.count {
            data.append(try nibble(bytes[index]) << 4 | nibble(bytes[index + 1]))
            index += 2
        }
        return data
    }
}

extension UUID: PostgresDecodable {
    /// `uuid` or text in canonical form.
    public static func decode(postgresText text: String, type: PostgresType) throws(PostgresError) -> UUID {
        guard let value = UUID(uuidString: text) else { throw PostgresError.decoding("is not a UUID") }
        return value
    }
}

extension Optional: PostgresDecodable where Wrapped: PostgresDecodable {
    /// The wrapped type's reading.
    public static func decode(postgresText text: String, type: PostgresType) throws(PostgresError) -> Wrapped? {
        try Wrapped.decode(postgresText: text, type: type)
    }

    /// NULL reads as nil.
    public static func decodeNull() throws(PostgresError) -> Wrapped? { nil }
}
