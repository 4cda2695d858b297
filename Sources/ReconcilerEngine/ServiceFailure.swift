import LedgerStore

/// Why a command's work with PostgreSQL or PortOne failed (`migrate`, `status`, `report`,
/// `discrepancies`, `check-config`, the daemon's start-up check): one case per exit status,
/// each with the message to print, which never holds a password or the API secret.
public enum ServiceFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// PostgreSQL or PortOne cannot be reached right now (exit 69).
    case unavailable(String)
    /// The configuration or the credentials are wrong (`DATABASE_URL`, the database it names,
    /// the PortOne secret or store) (exit 78).
    case configuration(String)
    /// Anything else (exit 1).
    case failed(String)

    /// Sorts a store failure by what the operator does about it.
    init(_ error: LedgerStoreError) {
        switch error {
        case .unavailable(let underlying): self = .unavailable(underlying.description)
        case .misconfigured(let underlying): self = .configuration(underlying.description)
        case .database(let underlying): self = .failed(underlying.description)
        case .runLockHeld(let held): self = .failed(held.description)
        case .migration(let failure): self = .failed(failure.description)
        case .resolution(let failure): self = .failed(failure.description)
        case .ledgerFiles(let failure): self = .failed(failure.description)
        case .refused(let message): self = .failed(message)
        case .plan(let refusal): self = .failed(refusal.description)
        }
    }

    /// Sorts a failure of `migrate`: the app's tables missing is a wrong `DATABASE_URL`, a
    /// database failure under a migration counts as that failure does; the message is the
    /// migration's.
    init(migrating error: LedgerStoreError) {
        guard case .migration(let failure) = error else {
            self.init(error)
            return
        }
        switch failure {
        case .appTableMissing:
            self = .configuration(failure.description)
        case .migrationFailed(_, let underlying), .database(let underlying):
            switch LedgerStoreError(underlying) {
            case .unavailable: self = .unavailable(failure.description)
            case .misconfigured: self = .configuration(failure.description)
            case .database, .runLockHeld, .migration, .resolution, .ledgerFiles, .refused, .plan:
                self = .failed(failure.description)
            }
        case .invalidFileName, .duplicateVersion, .checksumMismatch, .unknownAppliedMigration:
            self = .failed(failure.description)
        }
    }

    /// The message.
    public var description: String {
        switch self {
        case .unavailable(let message), .configuration(let message), .failed(let message): message
        }
    }
}
