import Postgres
import ReconcilerCore

/// Why a ledger store operation failed: the one error type LedgerStore's API throws.
///
/// A PostgreSQL failure is sorted by what the operator does about it (the command line's exit
/// status: 69 for `unavailable`, 78 for `misconfigured`, 1 for `database`); the store's own
/// refusals keep their specific types as payloads. Every case's `description` says what was
/// wrong and what to do, and never holds a password or a bound parameter.
public enum LedgerStoreError: Error, Sendable, Equatable, CustomStringConvertible, PostgresErrorRepresentable {
    /// PostgreSQL cannot be reached right now: down, unreachable, timed out, restarting, or it
    /// dropped the connection.
    case unavailable(PostgresError)
    /// `DATABASE_URL` is wrong: malformed, unknown host, rejected login, or a missing database.
    case misconfigured(PostgresError)
    /// The database refused or failed a statement (see the SQLSTATE), or a value could not be read.
    case database(PostgresError)
    /// Another run holds the run lock (`RunRecorder.begin`).
    case runLockHeld(RunLockHeld)
    /// `migrate` refused or a migration failed (`Migrator`, `Migration`).
    case migration(MigrationError)
    /// A discrepancy could not be settled (`DiscrepancyStore.resolve`).
    case resolution(DiscrepancyResolutionError)
    /// A ledger directory could not be read (`AppLedgerCopyFiles.load`).
    case ledgerFiles(LedgerLoadError)
    /// The store refuses the request or the data it read: what was wrong and what to do.
    case refused(String)
    /// A plan cannot be approved or applied now (DESIGN §4.6); the refusal says what to do.
    case plan(PlanRefusal)

    /// Sorts a PostgreSQL failure by what the operator does about it.
    public init(_ error: PostgresError) {
        if error.isUnavailable {
            self = .unavailable(error)
        } else if error.isConfigurationError {
            self = .misconfigured(error)
        } else {
            self = .database(error)
        }
    }

    /// The PostgreSQL failure underneath, if any (a migration's included).
    public var postgresError: PostgresError? {
        switch self {
        case .unavailable(let error), .misconfigured(let error), .database(let error): error
        case .migration(let error): error.postgresError
        case .runLockHeld, .resolution, .ledgerFiles, .refused, .plan: nil
        }
    }

    /// What was wrong and what to do.
    public var description: String {
        switch self {
        case .unavailable(let error), .misconfigured(let error), .database(let error): error.description
        case .runLockHeld(let held): held.description
        case .migration(let error): error.description
        case .resolution(let error): error.description
        case .ledgerFiles(let error): error.description
        case .refused(let message): message
        case .plan(let refusal): refusal.description
        }
    }

    /// The description (kept for callers that read the message of a refusal).
    public var message: String { description }
}
