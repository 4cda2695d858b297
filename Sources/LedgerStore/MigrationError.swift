import Postgres

/// Why `migrate` (or a migration status check) refused or failed, phrased for the operator.
public enum MigrationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A migration file name is not `NNNN_name.sql`.
    case invalidFileName(String)
    /// Two migration files share a version number.
    case duplicateVersion(Int, [String])
    /// The database lacks one of the web app's tables: DATABASE_URL points at the wrong database.
    case appTableMissing(table: String, database: String)
    /// A migration recorded as applied has different content now.
    case checksumMismatch(fileName: String, recorded: String, current: String)
    /// The database records a migration this build does not carry (a newer build applied it).
    case unknownAppliedMigration(version: Int, name: String)
    /// A migration's SQL failed; its transaction was rolled back, nothing of it was applied.
    case migrationFailed(fileName: String, underlying: PostgresError)
    /// Talking to the database failed outside a migration's SQL (connection, lock, bookkeeping).
    case database(PostgresError)

    /// The PostgreSQL error underneath, if any (e.g. to map `.isUnavailable` to exit 69).
    public var postgresError: PostgresError? {
        switch self {
        case .migrationFailed(_, let underlying), .database(let underlying): return underlying
        default: return nil
        }
    }

    /// What was wrong and what to do.
    public var description: String {
        switch self {
        case .invalidFileName(let name):
            return "migration file \"\(name)\" is not named NNNN_name.sql (e.g. 0004_add_index.sql): rename it"
        case .duplicateVersion(let version, let names):
            return
                "migrations \(names.joined(separator: " and ")) share version \(version): give each file its own number"
        case .appTableMissing(let table, let database):
            return "this database has no \"\(table)\" table: point DATABASE_URL at the web app's database "
                + "(currently \(database)); the reconciler never creates the app's tables"
        case .checksumMismatch(let fileName, let recorded, let current):
            return "migration \(fileName) was applied with checksum \(recorded) but this build's copy has checksum "
                + "\(current): applied migrations must never change. Restore the original file and add a new "
                + "numbered migration for the change"
        case .unknownAppliedMigration(let version, let name):
            return "the database has migration \(paddedVersion(version))_\(name) applied, which this build does not "
                + "know: a newer credit-reconciler migrated it; run that version (or newer)"
        case .migrationFailed(let fileName, let underlying):
            var text = "migration \(fileName) failed and was rolled back (nothing of it was applied): \(underlying)"
            if underlying.sqlState == "55P03" {
                text += "\n  the app's tables were busy: rerun migrate when traffic is low"
            } else if underlying.sqlState == "42501" {
                text += "\n  run migrate as the owner of the web app's tables, not as the reconciler's runtime role"
            }
            return text
        case .database(let underlying):
            return "migrate could not complete: \(underlying)"
        }
    }
}

/// `version` zero-padded to four digits, as in migration file names.
func paddedVersion(_ version: Int) -> String {
    let digits = String(version)
    return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
}
