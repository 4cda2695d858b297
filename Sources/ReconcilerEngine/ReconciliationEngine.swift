import Foundation
import LedgerStore
import Logging
import PortOne
import ReconcilerCore
import Reports
import WireFormat

/// One reconciliation run, end to end: take the run lock, compute the window, scan PortOne page
/// by page, read the ledger in batches, decide with the pure core, record discrepancies, re-fetch
/// and re-decide each payment before its repair, apply repairs in batched transactions, and record
/// the run. The checkpoint moves only after a successful apply run.
public final class ReconciliationEngine: Sendable {
    /// What the engine works with besides the request.
    public struct Settings: Sendable {
        /// The checked configuration (catalog and policy).
        public var configuration: Configuration
        /// Our PortOne store.
        public var storeId: String
        /// The web app's database.
        public var database: LedgerDatabase
        /// How far back `--full` sweeps (seconds).
        public var fullLookback: Int64 = 365 * 86_400
        /// Payments per `GET /payments` page.
        public var pageSize = 1000
        /// Sub-windows scanned concurrently.
        public var scanParallelism = 4
        /// Payments looked up by id concurrently (within the client's `concurrentRequests`).
        public var lookupParallelism = 32
        /// Batches of repairs whose payments are fetched again ahead of the batch being written
        /// (each `lookupParallelism` wide): with PortOne a round trip away, the fetches for the
        /// next batches overlap the writes instead of stalling them.
        public var refetchDepth = 6
        /// Repair units applied per transaction (`RepairWriter.apply(units:decide:)`); each is
        /// still re-fetched and re-decided on data read under the balance locks.
        public var repairBatchSize = 200
        /// Where the per-run report files go; nil writes none (the report is still stored with the run).
        public var reportDirectory: String?
        /// Which report files to write.
        public var reportFormats: [ReportFormat] = [.json, .md]
        /// Whether window runs read PortOne's journal of payment events (ARCHITECTURE §5.4). Always
        /// on in the product; the benchmark turns it off to measure what the journal costs.
        public var readsEventsFeed = true
        /// The mail server for `reports.email` (`SMTP_URL`); nil sends no report e-mail.
        public var reportMailer: ReportMailer?
        /// The sender when `reports.email.from` is null (`credit-reconciler@` the host's name).
        public var defaultMailSender = "credit-reconciler@localhost"
        /// Waits between attempts to post a notification (one more attempt than delays).
        public var notifyRetryDelays: [Duration] = [.seconds(2), .seconds(10)]
        /// Tests only: changes every ledger write a repair makes, to prove that closure
        /// (DESIGN §4.7) catches a defect of the engine. Nothing in the configuration file or the
        /// environment sets it; the command line never does.
        public var testingLedgerWriteDefect: (@Sendable (LedgerWrite) -> LedgerWrite)?

        /// Creates settings with the default tuning.
        public init(configuration: Configuration, storeId: String, database: LedgerDatabase) {
            self.configuration = configuration
            self.storeId = storeId
            self.database = database
        }

        /// Mails each run's report (`reports.email`) through the server `smtpURL` names
        /// (`SMTP_URL`), trusting the CA certificates in `caFile` when given (`SMTP_CA_FILE`).
        ///
        /// - Throws: ``RunFailure/configuration(_:)`` when the URL is unusable; the message never
        ///   holds it.
        public mutating func mailReports(through smtpURL: String, caFile: String? = nil) throws(RunFailure) {
            do {
                reportMailer = try ReportMailer(smtpURL: smtpURL, caFile: caFile)
            } catch {
                throw .configuration(error.description)
            }
            let host = ProcessInfo.processInfo.hostName
            if !host.isEmpty, host.utf8.allSatisfy({ $0 > 32 && $0 < 127 && $0 != 60 && $0 != 62 && $0 != 64 }) {
                defaultMailSender = "credit-reconciler@\(host)"
            }
        }

        /// Creates settings with the default tuning for the database `DATABASE_URL` names.
        ///
        /// - Throws: ``RunFailure/configuration(_:)`` when `databaseURL` is not a libpq URI or
        ///   conninfo string (the message never holds the password).
        public init(configuration: Configuration, storeId: String, databaseURL: String) throws(RunFailure) {
            let database: LedgerDatabase
            do {
                database = try LedgerDatabase(parsing: databaseURL)
            } catch {
                throw .configuration(error.description)
            }
            self.init(configuration: configuration, storeId: storeId, database: database)
        }
    }

    /// The name of the scan checkpoint in `reconciler.checkpoint`.
    public static let checkpointName = "payments"

    let settings: Settings
    let client: PortOneClient
    let now: @Sendable () -> RFC3339.Timestamp
    let log: @Sendable (String) -> Void
    let logger: Logger?

    /// Creates an engine.
    ///
    /// - Parameters:
    ///   - now: the clock (tests pin it).
    ///   - log: receives one line per event; lines never contain a secret.
    ///   - logger: when given, receives the run's events with their fields instead of `log`.
    public init(
        settings: Settings, client: PortOneClient,
        now: @escaping @Sendable () -> RFC3339.Timestamp = { RFC3339.Timestamp(Date()) },
        log: @escaping @Sendable (String) -> Void = { _ in }, logger: Logger? = nil
    ) {
        self.settings = settings
        self.client = client
        self.now = now
        self.log = log
        self.logger = logger
    }

    /// Reports one event: to the logger with its fields, else to `log` as one line.
    func event(_ level: Logger.Level, _ message: String, _ fields: KeyValuePairs<String, String> = [:]) {
        if let logger {
            logger.log(level, message, fields: fields.map { ($0.key, $0.value) })
        } else {
            log(([message] + fields.map { "\($0.key)=\(Logger.quoted($0.value))" }).joined(separator: " "))
        }
    }

    /// Runs one reconciliation.
    ///
    /// - Parameter control: a stop requested through it ends the run after the unit of work in
    ///   progress (the repair transaction in progress commits); the run is then recorded `aborted`,
    ///   the checkpoint stays, and the result's outcome is `.aborted`. Cancelling the calling task
    ///   after a stop request ends a wait on PortOne too, with the same outcome; a repair
    ///   transaction is never interrupted.
    /// - Throws: ``RunFailure``; the run is recorded as failed when it got that far.
    public func run(_ request: RunRequest, control: RunControl = RunControl()) async throws(RunFailure) -> RunResult {
        let run: Run
        do {
            run = try Run(engine: self, request: request)
        } catch {
            let failure = Self.failure(error)
            await publishUnrecordedFailure(failure)
            throw failure
        }
        run.control = control
        defer { run.close() }
        let outcome: Result<RunResult, RunFailure>
        do {
            outcome = .success(try await run.execute())
        } catch {
            // A stop request; or the caller cancelled the run after its stop grace period (e.g. a
            // PortOne request stuck in retries): no repair transaction is ever cut, so that is a stop too.
            if case .stopRequested = error {
                outcome = Result { () throws(RunFailure) in try run.recordAborted() }
            } else if control.isStopRequested && Task.isCancelled {
                outcome = Result { () throws(RunFailure) in try run.recordAborted() }
            } else {
                let failure = Self.failure(error)
                run.recordFailure(failure)
                outcome = .failure(failure)
            }
        }
        // After the run is recorded: a notification never changes how the run ended.
        if case .failure(let failure) = outcome, run.handle == nil {
            await publishUnrecordedFailure(failure)
        } else {
            await run.sendNotification()
            await run.sendReportMail()
        }
        return try outcome.get()
    }

    /// Maps what stopped a run to the failure the command line reports.
    static func failure(_ error: RunError) -> RunFailure {
        switch error {
        case .failure(let failure): failure
        case .store(let error): failure(error)
        case .portOne(let error): failure(error)
        case .window(let error): .failed(error.description)
        case .stopRequested: .failed("the run was stopped on request")
        case .unexpected(let message): .failed(message)
        }
    }

    /// Maps a ledger store failure: an unreachable database is 69, a wrong `DATABASE_URL` 78,
    /// another run's lock 75, anything else 1.
    static func failure(_ error: LedgerStoreError) -> RunFailure {
        switch error {
        case .unavailable(let underlying): .unavailable("PostgreSQL is unavailable: \(underlying)")
        case .misconfigured(let underlying): .configuration("\(underlying)")
        case .database(let underlying): .failed("PostgreSQL error: \(underlying)")
        case .runLockHeld(let held): .lockHeld(held.description)
        case .migration(let failure): .failed(failure.description)
        case .resolution(let failure): .failed(failure.description)
        case .ledgerFiles(let failure): .failed(failure.description)
        case .refused(let message): .failed(message)
        case .plan(let refusal): .failed(refusal.description)
        }
    }

    /// Maps a PortOne failure: a rejected secret or store is 78, an unreachable API 69,
    /// anything else 1.
    static func failure(_ error: PortOneError) -> RunFailure {
        switch error {
        case .unauthorized, .forbidden, .configuration: .configuration(error.description)
        case .unavailable: .unavailable(error.description)
        case .invalidRequest, .unexpectedStatus, .scanLimitExceeded, .cancelled: .failed(error.description)
        }
    }
}
