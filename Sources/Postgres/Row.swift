import Foundation

/// One result row, copied out of libpq (the `PGresult` is freed before you see it).
///
/// Read columns by name or position with the type you expect:
/// `let amount: Int64 = try row.decode("amount")`, `let note: String? = try row.decode("note")`.
public struct Row: Sendable {
    let layout: ColumnLayout
    /// Text-format values; nil is SQL NULL.
    let values: [String?]

    /// The column names, in order.
    public var columnNames: [String] { layout.names }

    /// Reads column `name` as `T` (`T?` for nullable columns).
    ///
    /// - Throws: `PostgresError` of kind `.decoding` naming the column when it is missing,
    ///   NULL for a non-optional `T`, or not convertible. The value itself is not quoted.
    public func decode<T: PostgresDecodable>(_ name: String, as type: T.Type = T.self) throws(PostgresError) -> T {
        guard let index = layout.index[name] else {
            throw PostgresError.decoding(
                "the result has no column \"\(name)\" (columns: \(layout.names.joined(separator: ", ")))")
        }
        return try decode(index, as: type)
    }

    /// Reads the column at `index` (0-based) as `T`.
    public func decode<T: PostgresDecodable>(_ index: Int, as type: T.Type = T.self) throws(PostgresError) -> T {
        guard values.indices.contains(index) else {
            throw PostgresError.decoding("the result has no column #\(index) (it has \(values.count))")
        }
        do {
            guard let text = values[index] else { return try T.decodeNull() }
            return try T.decode(postgresText: text, type: layout.types[index])
        } catch {
            var error = error
            error.message = "column \"\(layout.names[index])\" \(error.message)"
            throw error
        }
    }

    /// Decodes a `json`/`jsonb` column into `T` with `decoder` (nil for SQL NULL).
    public func decodeJSON<T: Decodable>(_ name: String, as type: T.Type = T.self, decoder: JSONDecoder = JSONDecoder())
        throws(PostgresError) -> T?
    {
        guard let data = try decode(name, as: Data?.self) else { return nil }
        do {
            return try decoder.decode(T.self, from: data)
        } catch {
            throw PostgresError.decoding("column \"\(name)\" does not decode as \(T.self): \(error)")
        }
    }

    /// Whether column `name` is SQL NULL (false when the column is missing).
    public func isNull(_ name: String) -> Bool {
        guard let index = layout.index[name] else { return false }
        return values[index] == nil
    }

    /// The raw text of column `name` (nil: NULL or missing), for diagnostics and pass-through.
    public subscript(name: String) -> String? {
        guard let index = layout.index[name] else { return nil }
        return values[index]
    }
}

/// Column names, their lookup table and types, shared by all rows of a result.
final class ColumnLayout: Sendable {
    let names: [String]
    let index: [String: Int]
    let types: [PostgresType]

    init(names: [String], types: [PostgresType]) {
        self.names = names
        self.types = types
        var index: [String: Int] = [:]
        for (position, name) in names.enumerated() where index[name] == nil { index[name] = position }
        self.index = index
    }
}
