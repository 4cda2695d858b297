import LedgerStore
import PortOne
import ReconcilerCore

/// What stops a run before it finishes, as the run's steps throw it: the engine records the run
/// aborted for `stopRequested` and maps everything else to the ``RunFailure`` the command line
/// reports (``ReconciliationEngine/failure(_:)``), one exhaustive `switch` per error type.
enum RunError: Error {
    /// The ledger store failed (the database, the run lock, the store's refusals).
    case store(LedgerStoreError)
    /// PortOne failed after its retries.
    case portOne(PortOneError)
    /// The window to scan covers nothing.
    case window(RunWindowError)
    /// The run itself decided how it fails (pending migrations, the fix limit).
    case failure(RunFailure)
    /// A stop was requested: the run is recorded `aborted` after the unit of work in progress.
    case stopRequested
    /// What an API without a typed error (a task group) threw that is none of the above.
    case unexpected(String)

    /// Sorts what an API without a typed error threw: a PortOne scan that rethrows the page
    /// handler's errors, a task group, a task's value. Only those boundaries convert this way;
    /// everything else throws its typed error.
    init(untyped error: any Error) {
        switch error {
        case let error as RunError: self = error
        case let error as LedgerStoreError: self = .store(error)
        case let error as PortOneError: self = .portOne(error)
        default: self = .unexpected(String(describing: error))
        }
    }
}
