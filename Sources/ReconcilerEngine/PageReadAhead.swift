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
        /// The ledger rows of the payments not decided from their summary.
        var ledger: [String: [LedgerEntry]]
        /// The accounts of those payments' users.
        var accounts: [String: UserAccount]
        /// The payments decided from their ledger summary: in order, nothing to repair or report.
        var clean: [String: PaymentOutcome]
        /// The ledger summaries of the page's payments.
        var summaries: [String: LedgerSummary]
        var ledgerTime: Duration
        var accountsTime: Duration
    }

    /// How a page is decided once its ledger is summarised: the pure
    /// `Reconciler.decideClean` with the run's configuration, store and decision time.
    typealias CleanDecision = @Sendable (PaymentFacts, LedgerSummary) -> PaymentOutcome?

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

    /// Starts reading a scan page set-based: one statement sums the ledger of every payment
    /// (``LedgerReader/summaries(forPaymentIds:)``); the payments `decideClean` decides from
    /// their summary (in order: most of a page) are done, and only the others' ledger rows and
    /// their users' accounts are read.
    func start(payments: [PaymentFacts], decideClean: @escaping CleanDecision) -> Pending {
        let pending = Pending()
        queue.async { [self] in
            pending.finish(
                Result { () throws(LedgerStoreError) in
                    guard !closed else { throw Self.closedError }
                    let clock = ContinuousClock()
                    let started = clock.now
                    let summaries = try reader.summaries(forPaymentIds: payments.map(\.id))
                    let summed = clock.now
                    var clean: [String: PaymentOutcome] = [:]
                    var suspects: [PaymentFacts] = []
                    for payment in payments {
                        if let summary = summaries[payment.id], let outcome = decideClean(payment, summary) {
                            clean[payment.id] = outcome
                        } else {
                            suspects.append(payment)
                        }
                    }
                    let decided = clock.now
                    let ledger = suspects.isEmpty ? [:] : try reader.entries(forPaymentIds: suspects.map(\.id))
                    let read = clock.now
                    let userIds = Array(Set(suspects.compactMap(Reconciler.userId(for:))))
                    let accounts = userIds.isEmpty ? [:] : try reader.accounts(userIds: userIds)
                    return Reads(
                        ledger: ledger, accounts: accounts, clean: clean, summaries: summaries,
                        // The statements' time; the decisions in between are the run's CPU, not the database's.
                        ledgerTime: (summed - started) + (read - decided), accountsTime: clock.now - read)
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
