import Foundation

/// A row of `reconciler.schema_migration`: a migration the database has applied.
public struct AppliedMigration: Sendable, Hashable {
    /// The migration's version.
    public let version: Int
    /// The migration's name (file name without number and extension).
    public let name: String
    /// The SHA-256 (hex) of the file when it was applied.
    public let checksum: String
    /// When it was applied.
    public let appliedAt: Date
}
