/// How the database's applied migrations compare with this build's (`Migrator.status()`).
public struct MigrationStatus: Sendable {
    /// Applied migrations, in version order.
    public var applied: [AppliedMigration]
    /// Migrations of this build not yet applied, in version order.
    public var pending: [Migration]
    /// Applied migrations whose file changed since (refused by `migrate`).
    public var changed: [(migration: Migration, recordedChecksum: String)]
    /// Applied migrations this build does not carry (a newer build applied them).
    public var unknown: [AppliedMigration]

    /// Whether the schema is exactly what this build expects.
    public var isUpToDate: Bool { pending.isEmpty && changed.isEmpty && unknown.isEmpty }
}

/// What one `Migrator.migrate()` call did.
public struct MigrationReport: Sendable {
    /// The migrations this call applied, in order (empty: the database was up to date).
    public var applied: [Migration]
    /// How many migrations were already applied before this call.
    public var alreadyApplied: Int
}
