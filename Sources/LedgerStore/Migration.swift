import WireFormat

/// One numbered migration file of `sql/migrations`, e.g. `0002_purchase_payment_unique.sql`.
public struct Migration: Sendable, Hashable, CustomStringConvertible {
    /// The number at the start of the file name (`2`).
    public let version: Int
    /// The rest of the file name without extension (`purchase_payment_unique`).
    public let name: String
    /// The file name (`0002_purchase_payment_unique.sql`).
    public let fileName: String
    /// The SQL text.
    public let sql: String
    /// Lowercase hex SHA-256 of the file's UTF-8 bytes.
    public let checksum: String

    /// Creates a migration from its file name and content.
    ///
    /// - Throws: `.migration(.invalidFileName)` unless the name is `NNNN_name.sql`.
    public init(fileName: String, sql: String) throws(LedgerStoreError) {
        let stem = fileName.hasSuffix(".sql") ? String(fileName.dropLast(4)) : ""
        let parts = stem.split(separator: "_", maxSplits: 1)
        guard parts.count == 2, parts[0].count == 4, let version = Int(parts[0]), version > 0 else {
            throw .migration(.invalidFileName(fileName))
        }
        self.version = version
        self.name = String(parts[1])
        self.fileName = fileName
        self.sql = sql
        self.checksum = SHA256.hex(sql)
    }

    /// The migrations built into this binary (generated from `sql/migrations` by
    /// `scripts/embed-sql`), in version order.
    public static let embedded: [Migration] = EmbeddedMigrations.files.map { file in
        // The generator only embeds well-formed names, and a unit test loads every one.
        try! Migration(fileName: file.fileName, sql: file.sql)
    }

    /// The file name.
    public var description: String { fileName }
}
