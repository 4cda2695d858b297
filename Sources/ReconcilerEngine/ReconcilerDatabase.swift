import Foundation
import LedgerStore
import ReconcilerCore
import Reports
import WireFormat

/// The web app's database as the commands other than `run` use it (`migrate`, `status`,
/// `report`, `discrepancies`, `check-config`, the daemon's start-up check): one ledger session
/// and what those commands read and write through it. Every failure is a ``ServiceFailure``
/// that names its exit status. Not thread-safe, like the session.
public final class ReconcilerDatabase {
    let session: LedgerSession

    init(session: LedgerSession) {
        self.session = session
    }

    /// Connects to the database `databaseURL` names (a libpq URI or conninfo string).
    ///
    /// - Parameters:
    ///   - applicationName: what `pg_stat_activity` shows.
    ///   - connectTimeout: how long to wait for the server; nil keeps the default (10 s).
    public static func open(
        databaseURL: String, applicationName: String = "credit-reconciler", connectTimeout: Duration? = nil
    ) throws(ServiceFailure) -> ReconcilerDatabase {
        do {
            let database = try LedgerDatabase(parsing: databaseURL)
            return ReconcilerDatabase(
                session: try database.open(applicationName: applicationName, connectTimeout: connectTimeout))
        } catch {
            throw ServiceFailure(error)
        }
    }

    /// Closes the connection; closing twice is harmless.
    public func close() {
        session.close()
    }

    // MARK: migrate and the migrations' state

    /// Applies the reconciler's pending migrations (`credit-reconciler migrate`).
    public func migrate() throws(ServiceFailure) -> MigrationReport {
        do {
            return try session.migrator.migrate()
        } catch {
            throw ServiceFailure(migrating: error)
        }
    }

    /// How the database's applied migrations compare with this build's.
    public func migrationStatus() throws(ServiceFailure) -> MigrationStatus {
        try command(try session.migrator.status())
    }

    // MARK: status and report

    /// Where the scan checkpoint stands, nil before the first successful apply run.
    public func checkpoint() throws(ServiceFailure) -> Checkpoint? {
        try command(try session.recorder.checkpoint(ReconciliationEngine.checkpointName))
    }

    /// The `limit` most recently started runs, newest first, the follow loop's ticks left out.
    public func runs(limit: Int) throws(ServiceFailure) -> [RunRecord] {
        try command(try session.recorder.runs(limit: limit))
    }

    /// Where the daemon's follow loop stands in PortOne's journal, nil before its first tick
    /// (or before migration 0007).
    public func followState() throws(ServiceFailure) -> FollowState? {
        guard try command(try session.migrator.status()).applied.contains(where: { $0.version >= 7 })
        else { return nil }
        return try command(try session.followCursor.load())
    }

    /// Run `id`, nil when there is none.
    public func run(id: Int64) throws(ServiceFailure) -> RunRecord? {
        try command(try session.recorder.run(id: id))
    }

    /// The run `report` shows: run `id`, or for nil the most recently started run that is no
    /// longer running (among the last 20); nil when there is none.
    public func reportedRun(id: Int64?) throws(ServiceFailure) -> RunRecord? {
        if let id { return try run(id: id) }
        return try runs(limit: 20).first { $0.status != .running }
    }

    /// The report document run `runId` stored when it finished, nil when it stored none.
    public func storedReport(runId: Int64) throws(ServiceFailure) -> String? {
        try command(try session.recorder.report(runId: runId))
    }

    /// A stored report document rendered in `format`, exactly as the run rendered its files.
    ///
    /// - Throws: ``ServiceFailure/failed(_:)`` when the stored text is not a JSON document.
    public static func render(storedReport stored: String, as format: ReportFormat) throws(ServiceFailure) -> String {
        guard format != .json else { return stored + "\n" }
        do {
            return format.render(try JSONValue.parse(Data(stored.utf8)), json: stored)
        } catch {
            throw .failed("\(error)")
        }
    }

    // MARK: discrepancies

    /// How many discrepancies are open, by kind and severity.
    public func openDiscrepancyCounts() throws(ServiceFailure) -> [OpenDiscrepancyCount] {
        try command(try session.discrepancies.openCounts())
    }

    /// Discrepancies with `status` (nil: all) and `kind` (nil: all), newest first.
    public func discrepancies(status: DiscrepancyStatus?, kind: String?) throws(ServiceFailure) -> [StoredDiscrepancy] {
        try command(try session.discrepancies.list(status: status, kind: kind))
    }

    /// At most `limit` discrepancies with `status`, `kind` and `severity` (nil: any), newest first
    /// (the console's list).
    public func discrepancies(status: DiscrepancyStatus?, kind: String?, severity: String?, limit: Int)
        throws(ServiceFailure) -> [StoredDiscrepancy]
    {
        try command(try session.discrepancies.list(status: status, kind: kind, severity: severity, limit: limit))
    }

    /// Discrepancy `id`, nil when there is none.
    public func discrepancy(id: Int64) throws(ServiceFailure) -> StoredDiscrepancy? {
        try command(try session.discrepancies.discrepancy(id: id))
    }

    /// Settles open discrepancy `id` by hand: `resolved`, or `ignored` when `ignore`.
    public func resolveDiscrepancy(id: Int64, note: String, by: String, ignore: Bool) throws(ServiceFailure)
        -> StoredDiscrepancy
    {
        try command(try session.discrepancies.resolve(id: id, note: note, by: by, ignore: ignore))
    }

    // MARK: check-config

    /// The session's role, database and server version.
    public func identity() throws(ServiceFailure) -> LedgerSession.Identity {
        try command(try session.identity())
    }

    /// The privileges a run needs that the role lacks (see `LedgerSession.missingPrivileges()`).
    public func missingPrivileges() throws(ServiceFailure) -> [String] {
        try command(try session.missingPrivileges())
    }

    /// Evaluates a store call, its failure the command's.
    func command<T>(_ call: @autoclosure () throws(LedgerStoreError) -> T) throws(ServiceFailure) -> T {
        do {
            return try call()
        } catch {
            throw ServiceFailure(error)
        }
    }
}

/// Confined to one thread at a time, like its session.
@available(*, unavailable)
extension ReconcilerDatabase: Sendable {}

/// A recorded run as the review commands and the console read it (`reconciler.run`).
public typealias RecordedRun = RunRecord
