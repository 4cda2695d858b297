import Foundation
import Postgres
import ReconcilerCore

/// Records runs in `reconciler.run`, keeps one run at a time, and moves checkpoints.
///
/// For a run, give it a connection of its own: `begin` takes the session advisory lock
/// `LedgerLockKeys.run` on that connection, which holds it until `finish` (or until the
/// process dies and the server ends the session). Do the run's work on other connections.
/// For `report` and `status`, any connection will do.
public final class RunRecorder {
    /// The connection the lock and the run rows live on.
    public let connection: Connection

    /// The error a later run writes into a `running` row whose process died.
    public static let abandonedError = "the process holding it ended without finishing"

    /// Creates a recorder on `connection` (dedicated to the run when you call `begin`).
    public init(connection: Connection) {
        self.connection = connection
    }

    /// Takes the run lock, marks stale `running` rows `abandoned`, and inserts this run's row.
    ///
    /// - Throws: `.runLockHeld` naming the holder when another session holds the lock (exit 75);
    ///   the database's error otherwise (the lock is released again when the insert fails).
    ///
    /// A tick of the follow loop (trigger `follow`) also takes `LedgerLockKeys.followTick` and
    /// never waits. Any other run that finds the run lock held by a tick waits up to
    /// `tickWait` for that tick to end (DESIGN §4.4a) instead of failing at once.
    public func begin(_ start: RunStart, tickWait: Duration = .seconds(120)) throws(LedgerStoreError) -> RunHandle {
        let isTick = start.trigger == .follow
        if isTick {
            guard try storing(try connection.tryAdvisoryLock(LedgerLockKeys.followTick)) else {
                throw .runLockHeld(try lockHeld())
            }
            holdsTickLock = true
        }
        if !(try storing(try connection.tryAdvisoryLock(LedgerLockKeys.run))) {
            let tickHolds = try storing(try connection.advisoryLockHolder(LedgerLockKeys.followTick)) != nil
            guard !isTick, tickHolds, try waitForRunLock(tickWait) else {
                let held = try lockHeld()
                releaseTickLock()
                throw .runLockHeld(held)
            }
        }
        do {
            return try connection.transaction { (connection) throws(LedgerStoreError) in
                // Holding the lock, any 'running' row belongs to a process that died.
                let abandoned = try connection.rows(
                    """
                    UPDATE reconciler.run SET status = 'abandoned', finished_at = now(), error = $1
                    WHERE status = 'running' RETURNING id
                    """, [Self.abandonedError]
                ).map { (row) throws(LedgerStoreError) in try row.value("id", as: Int64.self) }
                let row = try connection.firstRow(
                    """
                    INSERT INTO reconciler.run (trigger, mode, full_sweep, payment_ids, window_from, window_until,
                                                host, pid, version)
                    VALUES ($1, $2, $3, $4::text[], $5::timestamptz, $6::timestamptz, $7, $8, $9)
                    RETURNING id, started_at
                    """,
                    [
                        start.trigger.rawValue, start.mode.rawValue, start.fullSweep,
                        start.paymentIds.map { TextArray($0) }, start.windowFrom, start.windowUntil, start.host,
                        start.pid, start.version,
                    ])!
                return RunHandle(
                    runId: try row.value("id"), startedAt: try row.value("started_at"),
                    abandonedRunIds: abandoned.sorted())
            }
        } catch {
            _ = try? connection.advisoryUnlock(LedgerLockKeys.run)
            releaseTickLock()
            throw error
        }
    }

    /// Whether this recorder holds `LedgerLockKeys.followTick` (a tick between begin and finish).
    private var holdsTickLock = false

    private func releaseTickLock() {
        guard holdsTickLock else { return }
        holdsTickLock = false
        _ = try? connection.advisoryUnlock(LedgerLockKeys.followTick)
    }

    /// Who holds the run lock, for exit 75's message.
    private func lockHeld() throws(LedgerStoreError) -> RunLockHeld {
        let holder = try storing(try connection.advisoryLockHolder(LedgerLockKeys.run))
        let running = try connection.firstRow(
            "SELECT \(RunRecord.selectColumns) FROM reconciler.run WHERE status = 'running' LIMIT 1"
        ).map(RunRecord.init(row:))
        return RunLockHeld(holder: holder, runningRun: running)
    }

    /// Waits up to `limit` for the run lock (a tick holds it for seconds); false when it did
    /// not come. The session-level lock stays held after the transaction that bounds the wait.
    private func waitForRunLock(_ limit: Duration) throws(LedgerStoreError) -> Bool {
        let milliseconds = max(
            1, limit.components.seconds * 1000 + limit.components.attoseconds / 1_000_000_000_000_000)
        do {
            try connection.transaction { (connection) throws(LedgerStoreError) in
                try connection.perform("SELECT set_config('lock_timeout', $1, true)", ["\(milliseconds)ms"])
                try storing(try connection.advisoryLock(LedgerLockKeys.run))
            }
            return true
        } catch {
            if case .database(let underlying) = error, ["55P03", "57014"].contains(underlying.sqlState) {
                return false
            }
            throw error
        }
    }

    /// Whether this recorder's session still holds the run lock (false after the connection
    /// was lost: another run may have started since, so stop writing).
    public func holdsRunLock() -> Bool {
        guard connection.isConnected else { return false }
        let holder = try? connection.advisoryLockHolder(LedgerLockKeys.run)
        return holder?.pid == connection.backendPID
    }

    /// Records how run `runId` ended, with its report totals (a JSON object), error and report
    /// document, and releases the run lock. `finishedAt` (default: the server's now) should be
    /// the time the report states.
    ///
    /// - Throws: `.refused` when the run is not `running` any more (a later run marked it
    ///   abandoned after this session lost its lock); the database's error otherwise.
    public func finish(
        _ runId: Int64, outcome: RunOutcome, totalsJSON: String = "{}", error: String? = nil,
        reportJSON: String? = nil, finishedAt: Date? = nil
    ) throws(LedgerStoreError) {
        var report: ReportWriter?
        if let reportJSON {
            report = { (emit: (String) throws(LedgerStoreError) -> Void) throws(LedgerStoreError) in
                try emit(reportJSON)
            }
        }
        try finish(
            runId, outcome: outcome, totalsJSON: totalsJSON, error: error, report: report, finishedAt: finishedAt)
    }

    /// Like ``finish(_:outcome:totalsJSON:error:reportJSON:finishedAt:)``, with the report
    /// document written part by part: `report` calls `emit` with consecutive pieces of its text.
    /// The pieces go to a temporary table and the server joins them into `reconciler.run.report`
    /// in the transaction that records the run, so a report of tens of megabytes is never held
    /// or sent as one value. (Without the TEMPORARY privilege on the database, the pieces are
    /// joined here and sent as one value.)
    public func finish(
        _ runId: Int64, outcome: RunOutcome, totalsJSON: String = "{}", error: String? = nil,
        report: ReportWriter?, finishedAt: Date? = nil
    ) throws(LedgerStoreError) {
        let update = """
            UPDATE reconciler.run SET status = $2, finished_at = coalesce($5::timestamptz, now()), totals = $3::jsonb,
                error = $4, report = %REPORT%
            WHERE id = $1 AND status = 'running'
            """
        let parameters: [any PostgresBindable] = [
            runId, outcome.rawValue, JSONParameter(rawJSON: totalsJSON), error, finishedAt,
        ]
        let affected: Int
        if let report, try Self.mayCreateTemporaryTables(connection) {
            affected = try connection.transaction { (connection) throws(LedgerStoreError) in
                try connection.perform(
                    "CREATE TEMPORARY TABLE reconciler_report_part (part integer PRIMARY KEY, body text NOT NULL) ON COMMIT DROP"
                )
                var part: Int64 = 0
                try report { (piece) throws(LedgerStoreError) in
                    try connection.perform(
                        "INSERT INTO reconciler_report_part (part, body) VALUES ($1, $2)", [part, piece])
                    part += 1
                }
                return try connection.perform(
                    update.replacingOccurrences(
                        of: "%REPORT%",
                        with: "(SELECT string_agg(body, '' ORDER BY part) FROM reconciler_report_part)::json"),
                    parameters
                ).affectedRows
            }
        } else {
            var json: String?
            if let report {
                var text = ""
                try report { text += $0 }
                json = text
            }
            affected = try connection.perform(
                update.replacingOccurrences(of: "%REPORT%", with: "$6::json"),
                parameters + [json.map { JSONParameter(rawJSON: $0) }]
            ).affectedRows
        }
        _ = try? connection.advisoryUnlock(LedgerLockKeys.run)
        releaseTickLock()
        guard affected == 1 else {
            let current = try run(id: runId)
            throw LedgerStoreError.refused(
                "run \(runId) could not be recorded as \(outcome.rawValue): it is "
                    + (current.map { "already \($0.status.rawValue)" } ?? "not in reconciler.run")
                    + "; its session probably lost the run lock (database restart) and a later run took over. "
                    + "Check credit-reconciler status and the reports of later runs.")
        }
    }

    /// Writes a report document by handing consecutive pieces of its text to `emit`.
    public typealias ReportWriter = (_ emit: (String) throws(LedgerStoreError) -> Void) throws(LedgerStoreError) -> Void

    private static func mayCreateTemporaryTables(_ connection: Connection) throws(LedgerStoreError) -> Bool {
        try connection.firstRow("SELECT has_database_privilege(current_database(), 'TEMPORARY') AS ok")?
            .value("ok", as: Bool.self) ?? false
    }

    /// The report document run `runId` stored when it finished, if any.
    public func report(runId: Int64) throws(LedgerStoreError) -> String? {
        try connection.firstRow("SELECT report::text AS report FROM reconciler.run WHERE id = $1", [runId])?
            .value("report", as: String?.self)
    }

    /// Records the totals so far of a running run (for `status` during long runs).
    public func recordProgress(_ runId: Int64, totalsJSON: String) throws(LedgerStoreError) {
        try connection.perform(
            "UPDATE reconciler.run SET totals = $2::jsonb WHERE id = $1 AND status = 'running'",
            [runId, JSONParameter(rawJSON: totalsJSON)])
    }

    /// The checkpoint `name`, nil before the first one is written.
    public func checkpoint(_ name: String) throws(LedgerStoreError) -> Checkpoint? {
        try connection.firstRow(
            "SELECT name, value, run_id, updated_at FROM reconciler.checkpoint WHERE name = $1", [name]
        ).map(Self.checkpoint(row:))
    }

    /// The checkpoints whose names start with `prefix`, by name.
    public func checkpoints(prefix: String) throws(LedgerStoreError) -> [Checkpoint] {
        try connection.rows(
            """
            SELECT name, value, run_id, updated_at FROM reconciler.checkpoint
            WHERE starts_with(name, $1) ORDER BY name
            """, [prefix]
        ).map(Self.checkpoint(row:))
    }

    /// Sets the checkpoints `names` to now (the server's clock), recorded by run `runId`,
    /// whatever they stood at (a mark, not a position that only moves forward).
    public func markCheckpoints(_ names: [String], runId: Int64) throws(LedgerStoreError) {
        try connection.perform(
            """
            INSERT INTO reconciler.checkpoint (name, value, run_id, updated_at)
            SELECT name, now(), $2, now() FROM unnest($1::text[]) AS name
            ON CONFLICT (name) DO UPDATE SET value = now(), run_id = EXCLUDED.run_id, updated_at = now()
            """, [TextArray(names), runId])
    }

    /// Moves checkpoint `name` to `value` unless it already stands there or later (it never
    /// moves backwards), and returns where it stands now.
    @discardableResult
    public func advanceCheckpoint(_ name: String, to value: Date, runId: Int64) throws(LedgerStoreError) -> Checkpoint {
        let moved = try connection.firstRow(
            """
            INSERT INTO reconciler.checkpoint (name, value, run_id, updated_at) VALUES ($1, $2::timestamptz, $3, now())
            ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value, run_id = EXCLUDED.run_id, updated_at = now()
            WHERE reconciler.checkpoint.value < EXCLUDED.value
            RETURNING name, value, run_id, updated_at
            """, [name, value, runId])
        if let moved { return try Self.checkpoint(row: moved) }
        return try checkpoint(name)!
    }

    /// The most recently started run, nil when there is none.
    public func latestRun() throws(LedgerStoreError) -> RunRecord? {
        try runs(limit: 1).first
    }

    /// The most recently started run with `status` (e.g. the last success), nil when none. The
    /// follow loop's ticks are left out unless `includingTicks`: "the last run" is a run.
    public func latestRun(status: RunStatus, includingTicks: Bool = false) throws(LedgerStoreError) -> RunRecord? {
        try connection.firstRow(
            """
            SELECT \(RunRecord.selectColumns) FROM reconciler.run
            WHERE status = $1 AND ($2 OR trigger <> 'follow') ORDER BY started_at DESC, id DESC LIMIT 1
            """, [status.rawValue, includingTicks]
        ).map(RunRecord.init(row:))
    }

    /// Run `id`, nil when it does not exist.
    public func run(id: Int64) throws(LedgerStoreError) -> RunRecord? {
        try connection.firstRow("SELECT \(RunRecord.selectColumns) FROM reconciler.run WHERE id = $1", [id])
            .map(RunRecord.init(row:))
    }

    /// The `limit` most recently started runs, newest first; the follow loop's ticks (one every
    /// few seconds while money moves) only when `includingTicks`.
    public func runs(limit: Int, includingTicks: Bool = false) throws(LedgerStoreError) -> [RunRecord] {
        try connection.rows(
            """
            SELECT \(RunRecord.selectColumns) FROM reconciler.run
            WHERE $2 OR trigger <> 'follow' ORDER BY started_at DESC, id DESC LIMIT $1
            """, [max(0, limit), includingTicks]
        ).map(RunRecord.init(row:))
    }

    private static func checkpoint(row: Row) throws(LedgerStoreError) -> Checkpoint {
        Checkpoint(
            name: try row.value("name"), value: try row.value("value"), runId: try row.value("run_id"),
            updatedAt: try row.value("updated_at"))
    }
}
