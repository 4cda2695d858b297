import Postgres
import ReconcilerCore

/// Applies the reconciler's migrations to the web app's database (`credit-reconciler migrate`).
///
/// Each pending migration runs in its own transaction together with its
/// `reconciler.schema_migration` row, in version order, under the `migrate` advisory lock,
/// so two concurrent `migrate` calls apply each migration once. A second call is a no-op.
/// It refuses to run against a database without the app's tables, and refuses when an
/// applied migration's file changed. Run it as the owner of the app's tables (it creates
/// indexes on `"CreditTransaction"`), not as the least-privilege runtime role.
public struct Migrator {
    /// The connection migrations run on.
    public let connection: Connection
    /// The migrations this build carries, in version order.
    public let migrations: [Migration]
    /// How long a migration may wait for a table lock before giving up (keeps the app's
    /// writers from queueing behind a blocked `CREATE INDEX`).
    public var lockTimeout: Duration

    /// The app tables a migration needs; missing ones mean DATABASE_URL names the wrong database.
    public static let requiredAppTables = ["User", "Credit", "CreditTransaction"]

    /// Creates a migrator for `migrations` (default: those embedded in the binary).
    public init(
        connection: Connection, migrations: [Migration] = Migration.embedded, lockTimeout: Duration = .seconds(15)
    ) {
        self.connection = connection
        self.migrations = migrations.sorted { $0.version < $1.version }
        self.lockTimeout = lockTimeout
    }

    /// Applies every pending migration and returns what it did.
    ///
    /// - Throws: `.migration` (app tables missing, checksum mismatch, unknown applied
    ///   migration, a failing migration, or a database error).
    @discardableResult
    public func migrate() throws(LedgerStoreError) -> MigrationReport {
        try validateMigrationList()
        try requireAppTables()
        try migrationStep(try connection.advisoryLock(LedgerLockKeys.migrate))
        defer { _ = try? connection.advisoryUnlock(LedgerLockKeys.migrate) }
        try migrationStep(try bootstrap())
        let status = try status()
        if let (migration, recorded) = status.changed.first {
            throw .migration(
                .checksumMismatch(fileName: migration.fileName, recorded: recorded, current: migration.checksum))
        }
        if let unknown = status.unknown.first {
            throw .migration(.unknownAppliedMigration(version: unknown.version, name: unknown.name))
        }
        for migration in status.pending {
            try apply(migration)
        }
        return MigrationReport(applied: status.pending, alreadyApplied: status.applied.count)
    }

    /// Compares the database's `reconciler.schema_migration` with this build's migrations.
    /// Read-only: usable by `check-config` and with the least-privilege role.
    public func status() throws(LedgerStoreError) -> MigrationStatus {
        try validateMigrationList()
        let applied = try migrationStep(try appliedMigrations())
        let byVersion = Dictionary(uniqueKeysWithValues: applied.map { ($0.version, $0) })
        let known = Set(migrations.map(\.version))
        return MigrationStatus(
            applied: applied,
            pending: migrations.filter { byVersion[$0.version] == nil },
            changed: migrations.compactMap { migration in
                guard let record = byVersion[migration.version], record.checksum != migration.checksum else {
                    return nil
                }
                return (migration, record.checksum)
            },
            unknown: applied.filter { !known.contains($0.version) })
    }

    /// The migrations not yet applied, in version order.
    public func pendingMigrations() throws(LedgerStoreError) -> [Migration] {
        try status().pending
    }

    /// Throws `.migration(.appTableMissing)` unless the app's tables are visible.
    public func requireAppTables() throws(LedgerStoreError) {
        for table in Self.requiredAppTables {
            let present: Bool = try migrationStep(
                try connection.queryFirst(
                    "SELECT to_regclass($1) IS NOT NULL AS present", [Connection.quoteIdentifier(table)])!
                    .decode("present"))
            guard present else {
                throw .migration(.appTableMissing(table: table, database: connection.url.description))
            }
        }
    }

    /// The rows of `reconciler.schema_migration` (none before the first `migrate`).
    private func appliedMigrations() throws(PostgresError) -> [AppliedMigration] {
        let exists: Bool = try connection.queryFirst(
            "SELECT to_regclass('reconciler.schema_migration') IS NOT NULL AS present")!.decode("present")
        guard exists else { return [] }
        var applied: [AppliedMigration] = []
        for row in try connection.query(
            "SELECT version, name, checksum, applied_at FROM reconciler.schema_migration ORDER BY version")
        {
            applied.append(
                AppliedMigration(
                    version: try row.decode("version"), name: try row.decode("name"),
                    checksum: try row.decode("checksum"), appliedAt: try row.decode("applied_at")))
        }
        return applied
    }

    private func validateMigrationList() throws(LedgerStoreError) {
        var seen: [Int: String] = [:]
        for migration in migrations {
            if let other = seen[migration.version] {
                throw .migration(.duplicateVersion(migration.version, [other, migration.fileName]))
            }
            seen[migration.version] = migration.fileName
        }
    }

    private func bootstrap() throws(PostgresError) {
        let exists: Bool = try connection.queryFirst(
            "SELECT to_regclass('reconciler.schema_migration') IS NOT NULL AS present")!.decode("present")
        guard !exists else { return }
        try connection.transaction { (connection) throws(PostgresError) in
            try connection.executeScript(
                """
                CREATE SCHEMA IF NOT EXISTS reconciler;
                CREATE TABLE IF NOT EXISTS reconciler.schema_migration (
                    version     integer PRIMARY KEY CHECK (version > 0),
                    name        text NOT NULL,
                    checksum    text NOT NULL CHECK (checksum ~ '^[0-9a-f]{64}$'),
                    applied_at  timestamptz NOT NULL DEFAULT now(),
                    applied_by  text NOT NULL DEFAULT current_user,
                    reconciler_version text NOT NULL
                );
                """)
        }
    }

    private func apply(_ migration: Migration) throws(LedgerStoreError) {
        do {
            try connection.transaction { (connection) throws(PostgresError) in
                try connection.execute(
                    "SELECT set_config('statement_timeout', '0', true), set_config('lock_timeout', $1, true)",
                    [String(lockTimeoutMilliseconds)])
                try connection.executeScript(migration.sql)
                try connection.execute(
                    """
                    INSERT INTO reconciler.schema_migration (version, name, checksum, reconciler_version)
                    VALUES ($1, $2, $3, $4)
                    """,
                    [migration.version, migration.name, migration.checksum, ProductVersion.version])
            }
        } catch {
            if error.isUnavailable { throw .migration(.database(error)) }
            throw .migration(.migrationFailed(fileName: migration.fileName, underlying: error))
        }
    }

    private var lockTimeoutMilliseconds: Int64 {
        max(1, lockTimeout.components.seconds * 1000 + lockTimeout.components.attoseconds / 1_000_000_000_000_000)
    }

    /// Evaluates a database step outside a migration's SQL: its failure is `migrate`'s
    /// (`MigrationError.database`).
    private func migrationStep<T>(_ step: @autoclosure () throws(PostgresError) -> T) throws(LedgerStoreError) -> T {
        do {
            return try step()
        } catch {
            throw .migration(.database(error))
        }
    }
}
