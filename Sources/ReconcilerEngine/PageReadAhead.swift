import Dispatch
import LedgerStore
import ReconcilerCore

/// Reads a scan page's ledger rows and accounts on a ledger session (connection) and thread of
/// its own, while the run decides the previous page and records what it found on the work
/// session: the two pages' statements overlap instead of queueing behind each other.
///
/// The session is used only on `queue` (one job at a time, in order); `close()` waits for
/// the job in progress. The run also queues its planned repairs through it (`perform`), so
/// those writes overlap the decisions too.
final class PageReadAhead: @unchecked Sendable {
    /// What one page's reads returned and how long each took.
    struct Reads {
        var ledger: [String: [LedgerEntry]]
        var accounts: [String: UserAccount]
        var ledgerTime: Duration
        var accountsTime: Duration
    }

    /// A job in progress; `wait()` returns its result or rethrows its error.
    final class Ticket<Value>: @unchecked Sendable {
        private let done = DispatchSemaphore(value: 0)
        private var result: Result<Value, LedgerStoreError>?

        fileprivate func finish(_ result: Result<Value, LedgerStoreError>) {
            self.result = result
            done.signal()
        }

        /// Blocks until the job is done (the semaphore orders the write of `result` before this read).
        func wait() throws(LedgerStoreError) -> Value {
            done.wait()
            done.signal()
            return try result!.get()
        }

        /// Whether the job is done, without waiting; rethrows its error when it failed.
        func isDone() throws(LedgerStoreError) -> Bool {
            guard done.wait(timeout: .now()) == .success else { return false }
            done.signal()
            _ = try result!.get()
            return true
        }
    }

    /// A page's reads in progress.
    typealias Pending = Ticket<Reads>

    private let session: LedgerSession
    private let reader: LedgerReader
    private let queue = DispatchQueue(label: "credit-reconciler.page-reads")
    private var closed = false

    /// Opens the read session.
    init(database: LedgerDatabase) throws(LedgerStoreError) {
        session = try database.open()
        reader = session.reader
    }

    /// What a job started after `close()` fails with (the run is over by then).
    private static let closedError = LedgerStoreError.refused("the run's read-ahead session is closed")

    /// Starts reading the ledger rows of `paymentIds` and the accounts of `userIds`.
    func start(paymentIds: [String], userIds: [String]) -> Pending {
        let pending = Pending()
        queue.async { [self] in
            pending.finish(
                Result { () throws(LedgerStoreError) in
                    guard !closed else { throw Self.closedError }
                    let clock = ContinuousClock()
                    let started = clock.now
                    let ledger = try reader.entries(forPaymentIds: paymentIds)
                    let read = clock.now
                    let accounts = try reader.accounts(userIds: userIds)
                    return Reads(
                        ledger: ledger, accounts: accounts, ledgerTime: read - started,
                        accountsTime: clock.now - read)
                })
        }
        return pending
    }

    /// Runs `body` on the read session after the jobs started before; the ticket's value is
    /// the time it spent in statements.
    func perform(_ body: @escaping @Sendable (LedgerSession) throws(LedgerStoreError) -> Void) -> Ticket<Duration> {
        let ticket = Ticket<Duration>()
        queue.async { [self] in
            ticket.finish(
                Result { () throws(LedgerStoreError) in
                    guard !closed else { throw Self.closedError }
                    let before = session.timeInStatements
                    try body(session)
                    return session.timeInStatements - before
                })
        }
        return ticket
    }

    /// Statements run and time spent in them so far (after the reads started before the call).
    var counters: (statements: Int, time: Duration) {
        queue.sync { (session.statementsExecuted, session.timeInStatements) }
    }

    /// Waits for the read in progress and closes the session.
    func close() {
        queue.sync {
            closed = true
            session.close()
        }
    }
}
