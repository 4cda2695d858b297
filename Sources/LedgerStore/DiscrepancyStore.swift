import Foundation
import Postgres
import ReconcilerCore
import WireFormat

/// The findings for review in `reconciler.discrepancy`: recorded once per kind and subject
/// while open, bumped by every later run that sees them again, closed when a run that
/// examined their subject no longer sees them.
public final class DiscrepancyStore {
    /// The connection statements run on.
    public let connection: Connection
    /// At most this many findings or ids go into one statement.
    public let batchSize: Int

    /// Who closes discrepancies that went away on their own.
    public static let closedBy = "credit-reconciler"

    /// Creates a store on `connection`.
    public init(connection: Connection, batchSize: Int = 1000) {
        self.connection = connection
        self.batchSize = max(1, batchSize)
    }

    /// Records what run `runId` found: opens new discrepancies, and for those already open
    /// (same kind and subject) refreshes expected/actual/evidence/detail/severity, moves
    /// `last_seen_run_id` and counts one more occurrence (once per run, however often the run
    /// records it). One statement per batch.
    ///
    /// Findings with the same kind and subject in one call are recorded once (the last wins).
    /// Call this before `closeGone` in the same run.
    @discardableResult
    public func record(_ records: [DiscrepancyRecord], runId: Int64) throws(LedgerStoreError) -> [RecordedDiscrepancy] {
        var position: [String: Int] = [:]
        var unique: [DiscrepancyRecord] = []
        for record in records {
            let key = record.kind + "\u{0}" + record.subject
            if let index = position[key] {
                unique[index] = record
            } else {
                position[key] = unique.count
                unique.append(record)
            }
        }
        var result: [RecordedDiscrepancy] = []
        result.reserveCapacity(unique.count)
        for start in stride(from: 0, to: unique.count, by: batchSize) {
            let batch = unique[start..<min(start + batchSize, unique.count)]
            let rows = try withJSONDiagnosis(batch) { () throws(PostgresError) in
                try connection.query(
                    """
                    INSERT INTO reconciler.discrepancy AS d
                        (kind, severity, payment_id, user_id, expected, actual, evidence, detail,
                         first_seen_run_id, last_seen_run_id)
                    SELECT x.kind, x.severity, x.payment_id, x.user_id, x.expected::jsonb, x.actual::jsonb,
                           x.evidence::jsonb, x.detail, $9, $9
                    FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                                $8::text[]) AS x (kind, severity, payment_id, user_id, expected, actual, evidence, detail)
                    ON CONFLICT (kind, subject) WHERE status = 'open' DO UPDATE SET
                        severity = EXCLUDED.severity, user_id = EXCLUDED.user_id, expected = EXCLUDED.expected,
                        actual = EXCLUDED.actual, evidence = EXCLUDED.evidence, detail = EXCLUDED.detail,
                        occurrences = d.occurrences + CASE WHEN d.last_seen_run_id = EXCLUDED.last_seen_run_id
                                                           THEN 0 ELSE 1 END,
                        last_seen_run_id = EXCLUDED.last_seen_run_id, last_seen_at = now()
                    RETURNING d.id, d.kind, d.subject, d.occurrences, d.first_seen_run_id
                    """,
                    [
                        TextArray(batch.map(\.kind)), TextArray(batch.map(\.severity)),
                        TextArray(optionals: batch.map(\.paymentId)), TextArray(optionals: batch.map(\.userId)),
                        TextArray(batch.map(\.expectedJSON)), TextArray(batch.map(\.actualJSON)),
                        TextArray(optionals: batch.map(\.evidenceJSON)), TextArray(batch.map(\.detail)), runId,
                    ])
            }
            for row in rows {
                let firstSeen: Int64 = try row.value("first_seen_run_id")
                result.append(
                    RecordedDiscrepancy(
                        id: try row.value("id"), kind: try row.value("kind"), subject: try row.value("subject"),
                        isNew: firstSeen == runId, occurrences: try row.value("occurrences"),
                        firstSeenRunId: firstSeen))
            }
        }
        return result
    }

    /// Closes the open discrepancies whose subject run `runId` examined but did not record
    /// again (their `last_seen_run_id` is older), and returns them as closed.
    ///
    /// - A payment's discrepancy closes when its payment is in `examinedPaymentIds`; as `fixed`
    ///   when a repair of that payment was recorded since the run that last saw it, else as
    ///   `resolved` by `credit-reconciler` with the note "no longer observed in run N".
    /// - A user's discrepancy (no payment, e.g. `BALANCE_DRIFT`) closes as `resolved` when the
    ///   user is in `examinedUserIds`.
    /// - Run-level discrepancies (e.g. `FIX_LIMIT_EXCEEDED`) close only when `runLevelExamined`.
    public func closeGone(
        runId: Int64, examinedPaymentIds: [String], examinedUserIds: [String], runLevelExamined: Bool = false
    ) throws(LedgerStoreError) -> [StoredDiscrepancy] {
        var closed: [StoredDiscrepancy] = []
        let payments = LedgerReader.batches(of: examinedPaymentIds, size: batchSize)
        let users = LedgerReader.batches(of: examinedUserIds, size: batchSize)
        let statements = max(payments.count, users.count, runLevelExamined ? 1 : 0)
        for index in 0..<statements {
            let paymentBatch = index < payments.count ? payments[index] : []
            let userBatch = index < users.count ? users[index] : []
            let rows = try connection.rows(
                """
                UPDATE reconciler.discrepancy AS d SET
                    status = CASE WHEN \(Self.repairedSince) THEN 'fixed' ELSE 'resolved' END,
                    resolution_note = CASE WHEN \(Self.repairedSince)
                                           THEN 'repaired; no longer observed in run ' || $1::bigint
                                           ELSE 'no longer observed in run ' || $1::bigint END,
                    resolved_by = $5::text, resolved_at = now(), closed_run_id = $1::bigint
                WHERE d.status = 'open' AND d.last_seen_run_id <> $1::bigint
                  AND (d.payment_id = ANY($2::text[])
                       OR (d.payment_id IS NULL AND d.user_id = ANY($3::text[]))
                       OR ($4::boolean AND d.payment_id IS NULL AND d.user_id IS NULL))
                RETURNING \(StoredDiscrepancy.selectColumns)
                """,
                [runId, TextArray(paymentBatch), TextArray(userBatch), runLevelExamined && index == 0, Self.closedBy])
            closed += try rows.map(StoredDiscrepancy.init(row:))
        }
        return closed.sorted { $0.id < $1.id }
    }

    /// Discrepancies with `status` (nil: all) and `kind` (nil: all), newest first.
    public func list(
        status: DiscrepancyStatus? = .open, kind: String? = nil, severity: String? = nil, limit: Int? = nil
    ) throws(LedgerStoreError) -> [StoredDiscrepancy] {
        try connection.rows(
            """
            SELECT \(StoredDiscrepancy.selectColumns) FROM reconciler.discrepancy d
            WHERE ($1::text IS NULL OR d.status = $1) AND ($2::text IS NULL OR d.kind = $2)
              AND ($4::text IS NULL OR d.severity = $4)
            ORDER BY d.id DESC LIMIT $3
            """, [status?.rawValue, kind, limit, severity]
        ).map(StoredDiscrepancy.init(row:))
    }

    /// Discrepancy `id`, nil when it does not exist.
    public func discrepancy(id: Int64) throws(LedgerStoreError) -> StoredDiscrepancy? {
        try connection.firstRow(
            "SELECT \(StoredDiscrepancy.selectColumns) FROM reconciler.discrepancy d WHERE d.id = $1", [id]
        ).map(StoredDiscrepancy.init(row:))
    }

    /// Up to `limit` of the discrepancies run `runId` saw (recorded or bumped) or closed, with an
    /// id above `afterId`, by id (a run with tens of thousands of them is read a page at a time).
    public func discrepancies(touchedByRun runId: Int64, afterId: Int64, limit: Int) throws(LedgerStoreError)
        -> [StoredDiscrepancy]
    {
        try connection.rows(
            """
            SELECT \(StoredDiscrepancy.selectColumns) FROM reconciler.discrepancy d
            WHERE (d.last_seen_run_id = $1 OR d.closed_run_id = $1) AND d.id > $2
            ORDER BY d.id LIMIT $3
            """, [runId, afterId, limit]
        ).map(StoredDiscrepancy.init(row:))
    }

    /// The kinds and severities of the discrepancies run `runId` touched (to read them one
    /// kind at a time, in the order a report lists them).
    public func kindsAndSeverities(touchedByRun runId: Int64) throws(LedgerStoreError)
        -> [(kind: String, severity: String)]
    {
        try connection.rows(
            """
            SELECT DISTINCT d.kind, d.severity FROM reconciler.discrepancy d
            WHERE d.last_seen_run_id = $1 OR d.closed_run_id = $1
            """, [runId]
        ).map { row throws(LedgerStoreError) in (try row.value("kind"), try row.value("severity")) }
    }

    /// Like ``discrepancies(touchedByRun:afterId:limit:)``, only those of `kind` and `severity`.
    public func discrepancies(
        touchedByRun runId: Int64, kind: String, severity: String, afterId: Int64, limit: Int
    ) throws(LedgerStoreError) -> [StoredDiscrepancy] {
        try connection.rows(
            """
            SELECT \(StoredDiscrepancy.selectColumns) FROM reconciler.discrepancy d
            WHERE (d.last_seen_run_id = $1 OR d.closed_run_id = $1) AND d.id > $2 AND d.kind = $4 AND d.severity = $5
            ORDER BY d.id LIMIT $3
            """, [runId, afterId, limit, kind, severity]
        ).map(StoredDiscrepancy.init(row:))
    }

    /// How many of the discrepancies run `runId` touched it closed, first saw, or saw again
    /// (`closed`, `new`, `recurring`: the report's `changes`, as `RunReport.change(of:runId:)`
    /// tells them apart).
    public func changes(touchedByRun runId: Int64) throws(LedgerStoreError) -> [String: Int] {
        var changes: [String: Int] = [:]
        for row in try connection.rows(
            """
            SELECT CASE WHEN d.closed_run_id = $1 THEN 'closed' WHEN d.first_seen_run_id = $1 THEN 'new'
                        ELSE 'recurring' END AS change, count(*) AS n
            FROM reconciler.discrepancy d
            WHERE d.last_seen_run_id = $1 OR d.closed_run_id = $1
            GROUP BY 1
            """, [runId])
        {
            changes[try row.value("change")] = Int(try row.value("n", as: Int64.self))
        }
        return changes
    }

    /// Settles open discrepancy `id` by hand: `resolved`, or `ignored` when `ignore`.
    ///
    /// - Throws: `.resolution` when it does not exist, is not open (nothing is changed), or
    ///   `note` is empty.
    @discardableResult
    public func resolve(id: Int64, note: String, by: String, ignore: Bool = false) throws(LedgerStoreError)
        -> StoredDiscrepancy
    {
        guard !note.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw .resolution(.emptyNote)
        }
        let updated = try connection.firstRow(
            """
            UPDATE reconciler.discrepancy AS d SET status = $2, resolution_note = $3, resolved_by = $4,
                   resolved_at = now()
            WHERE d.id = $1 AND d.status = 'open'
            RETURNING \(StoredDiscrepancy.selectColumns)
            """, [id, (ignore ? DiscrepancyStatus.ignored : .resolved).rawValue, note, by])
        if let updated { return try StoredDiscrepancy(row: updated) }
        guard let current = try discrepancy(id: id) else { throw .resolution(.notFound(id: id)) }
        throw .resolution(
            .notOpen(
                id: id, status: current.status, by: current.resolvedBy, at: current.resolvedAt,
                note: current.resolutionNote))
    }

    /// How many discrepancies are open, by kind and severity.
    public func openCounts() throws(LedgerStoreError) -> [OpenDiscrepancyCount] {
        try connection.rows(
            """
            SELECT kind, severity, count(*) AS open FROM reconciler.discrepancy
            WHERE status = 'open' GROUP BY kind, severity ORDER BY kind, severity
            """
        ).map { (row) throws(LedgerStoreError) in
            OpenDiscrepancyCount(
                kind: try row.value("kind"), severity: try row.value("severity"), count: try row.value("open"))
        }
    }

    /// Runs `body`; when the server refuses a JSON field, names the finding and field at fault.
    private func withJSONDiagnosis<T>(
        _ batch: ArraySlice<DiscrepancyRecord>, _ body: () throws(PostgresError) -> T
    ) throws(LedgerStoreError) -> T {
        do {
            return try body()
        } catch {
            guard error.sqlState == "22P02" else { throw LedgerStoreError(error) }
            for record in batch {
                let fields =
                    [("expected", record.expectedJSON), ("actual", record.actualJSON)]
                    + (record.evidenceJSON.map { [("evidence", $0)] } ?? [])
                for (field, text) in fields {
                    do {
                        _ = try JSONValue.parse(Data(text.utf8))
                    } catch {
                        throw .refused(
                            "the \(record.kind) finding for \(record.subject) has invalid JSON in \(field) "
                                + "(\(error)); nothing of this batch was recorded (a bug in the engine's mapping)")
                    }
                }
            }
            throw LedgerStoreError(error)
        }
    }

    /// SQL: a repair of `d`'s payment was recorded in or after the run that last saw it.
    private static let repairedSince = """
        EXISTS (SELECT 1 FROM reconciler.fix f WHERE f.payment_id = d.payment_id AND f.run_id >= d.last_seen_run_id)
        """
}
