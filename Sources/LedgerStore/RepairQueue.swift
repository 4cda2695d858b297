import Foundation
import Postgres
import ReconcilerCore

/// The repairs one run found while scanning, kept in `reconciler.run_repair` (migration 0006)
/// until they are applied, so a run with tens of thousands of repairs holds none of them in
/// memory. The queue stores each payment's plan as text the engine writes and reads back
/// (`unit`); it knows only what orders and joins the rows.
///
/// One run at a time writes the table (the run lock): `begin()` deletes the rows of earlier
/// runs (a killed run leaves its rows), `end()` deletes the run's own.
public final class RepairQueue {
    /// A queued payment, as read back in the order repairs are applied.
    public struct Item: Sendable, Hashable {
        /// The position the scan queued it at (ties between equal payment ids keep this order).
        public var seq: Int32
        /// Whether the plan holds a grant (grants are applied before deductions).
        public var hasGrant: Bool
        /// The payment.
        public var paymentId: String
        /// The user whose balance the repairs move.
        public var userId: String
        /// The engine's text for the plan.
        public var unit: String
        /// The engine's text for the payment's report entry (replaced by `attach`).
        public var report: String?

        /// Creates an item.
        public init(
            seq: Int32 = 0, hasGrant: Bool, paymentId: String, userId: String, unit: String, report: String? = nil
        ) {
            self.seq = seq
            self.hasGrant = hasGrant
            self.paymentId = paymentId
            self.userId = userId
            self.unit = unit
            self.report = report
        }
    }

    /// Where a read stopped: the next read starts after it.
    public struct Position: Sendable, Hashable {
        let phase: Int32
        let paymentId: String
        let seq: Int32
    }

    /// A fix the run wrote, with the report text attached to its payment (`attach`).
    public struct WrittenFix: Sendable {
        /// The fix.
        public var fix: AppliedFix
        /// The text `attach` stored for its payment, if any.
        public var report: String?
    }

    let connection: Connection
    let runId: Int64
    /// Items appended so far.
    public private(set) var count = 0

    /// A queue for run `runId` on `connection`.
    public init(connection: Connection, runId: Int64) {
        self.connection = connection
        self.runId = runId
    }

    /// Deletes what earlier runs left behind.
    public func begin() throws(LedgerStoreError) {
        try connection.perform("DELETE FROM reconciler.run_repair WHERE run_id <> $1", [runId])
    }

    /// Deletes the run's rows.
    public func end() throws(LedgerStoreError) {
        try connection.perform("DELETE FROM reconciler.run_repair WHERE run_id = $1", [runId])
    }

    /// Appends `items` in one statement, after those appended before through this queue.
    public func append(_ items: [Item]) throws(LedgerStoreError) {
        try Self.append(items, on: connection, runId: runId, firstSeq: Int32(count))
        count += items.count
    }

    /// Appends `items` to run `runId`'s queue on `connection` (any connection: the rows are
    /// read back once committed), numbered from `firstSeq` on.
    public static func append(_ items: [Item], on connection: Connection, runId: Int64, firstSeq: Int32)
        throws(LedgerStoreError)
    {
        guard !items.isEmpty else { return }
        try connection.perform(
            """
            INSERT INTO reconciler.run_repair (run_id, seq, phase, payment_id, user_id, unit, report)
            SELECT $1, $2 + i.n::integer, CASE WHEN i.grants THEN 0 ELSE 1 END, i.payment_id, i.user_id, i.unit,
                   i.report
            FROM unnest($3::boolean[], $4::text[], $5::text[], $6::text[], $7::text[]) WITH ORDINALITY
                AS i (grants, payment_id, user_id, unit, report, n)
            """,
            [
                runId, firstSeq, TextArray(items.map { $0.hasGrant ? "t" : "f" }),
                TextArray(items.map(\.paymentId)), TextArray(items.map(\.userId)), TextArray(items.map(\.unit)),
                TextArray(optionals: items.map(\.report)),
            ])
    }

    /// Up to `limit` items after `position` (from the start when nil) and the position to read
    /// on from: by payment id in byte order, then in queue order; with `grantsFirst`, the
    /// payments with a grant before the others (the order repairs are applied in).
    public func read(after position: Position?, limit: Int, grantsFirst: Bool = true) throws(LedgerStoreError) -> (
        items: [Item], next: Position?
    ) {
        let columns = "SELECT seq, phase, payment_id, user_id, unit, report FROM reconciler.run_repair"
        let order =
            grantsFirst ? #"ORDER BY phase, payment_id COLLATE "C", seq"# : #"ORDER BY payment_id COLLATE "C", seq"#
        let rows: [Row]
        if let position {
            let after =
                grantsFirst
                ? #"(phase, payment_id COLLATE "C", seq) > ($2::smallint, $3::text COLLATE "C", $4::integer)"#
                : #"$2::smallint IS NOT NULL AND (payment_id COLLATE "C", seq) > ($3::text COLLATE "C", $4::integer)"#
            rows = try connection.rows(
                """
                \(columns)
                WHERE run_id = $1 AND \(after)
                \(order) LIMIT $5
                """, [runId, position.phase, position.paymentId, position.seq, limit])
        } else {
            rows = try connection.rows("\(columns) WHERE run_id = $1 \(order) LIMIT $2", [runId, limit])
        }
        var items: [Item] = []
        items.reserveCapacity(rows.count)
        var next = position
        for row in rows {
            let phase: Int32 = try row.value("phase")
            let item = Item(
                seq: try row.value("seq"), hasGrant: phase == 0, paymentId: try row.value("payment_id"),
                userId: try row.value("user_id"), unit: try row.value("unit"), report: try row.value("report"))
            next = Position(phase: phase, paymentId: item.paymentId, seq: item.seq)
            items.append(item)
        }
        return (items, next)
    }

    /// Replaces the report text of payments (`paymentId` → text), in one statement.
    public func attach(_ reports: [(paymentId: String, report: String)]) throws(LedgerStoreError) {
        guard !reports.isEmpty else { return }
        try connection.perform(
            """
            UPDATE reconciler.run_repair AS q SET report = r.report
            FROM unnest($2::text[], $3::text[]) AS r (payment_id, report)
            WHERE q.run_id = $1 AND q.payment_id COLLATE "C" = r.payment_id
            """, [runId, TextArray(reports.map(\.paymentId)), TextArray(reports.map(\.report))])
    }

    /// The report text of each of `paymentIds` that is in the queue with one.
    public func reports(paymentIds: [String]) throws(LedgerStoreError) -> [String: String] {
        guard !paymentIds.isEmpty else { return [:] }
        let rows = try connection.rows(
            """
            SELECT DISTINCT ON (payment_id COLLATE "C") payment_id, report FROM reconciler.run_repair
            WHERE run_id = $1 AND payment_id COLLATE "C" = ANY($2::text[]) AND report IS NOT NULL
            ORDER BY payment_id COLLATE "C", seq
            """, [runId, TextArray(paymentIds)])
        var reports: [String: String] = [:]
        for row in rows { reports[try row.value("payment_id")] = try row.value("report") }
        return reports
    }

    /// Up to `limit` of the run's fixes with an id above `afterFixId`, by id, each with the
    /// report text of its payment. For the report: `createdAt` is the fix row's, not the
    /// ledger row's (the report does not show it, and the ledger is not read again).
    public func fixes(afterFixId: Int64, limit: Int) throws(LedgerStoreError) -> [WrittenFix] {
        try Self.fixes(on: connection, runId: runId, afterFixId: afterFixId, limit: limit, withReports: true)
    }

    /// Every fix run `runId` wrote, by id (tests and tools; a large run's fixes are read in
    /// pages by `fixes(afterFixId:limit:)`).
    public static func allFixes(on connection: Connection, runId: Int64) throws(LedgerStoreError) -> [AppliedFix] {
        var all: [AppliedFix] = []
        var after: Int64 = 0
        while true {
            let page = try fixes(on: connection, runId: runId, afterFixId: after, limit: 10_000, withReports: false)
            guard let last = page.last else { return all }
            all += page.map(\.fix)
            after = last.fix.fixId
        }
    }

    private static func fixes(
        on connection: Connection, runId: Int64, afterFixId: Int64, limit: Int, withReports: Bool
    ) throws(LedgerStoreError) -> [WrittenFix] {
        let fixColumns = """
            f.id, f.kind, f.payment_id, f.cancellation_id, f.credits, f.credit_transaction_id, f.user_id,
            f.balance_before, f.balance_after
            """
        let sql =
            withReports
            ? """
            SELECT \(fixColumns),
                   CASE f.kind WHEN 'MISSED_REFUND' THEN -f.credits ELSE f.credits END AS amount,
                   CASE f.kind WHEN 'MISSED_REFUND' THEN 'REFUND' ELSE 'PURCHASE' END AS type,
                   f.created_at,
                   (SELECT q.report FROM reconciler.run_repair q
                    WHERE q.run_id = f.run_id AND q.payment_id COLLATE "C" = f.payment_id AND q.report IS NOT NULL
                    ORDER BY q.seq LIMIT 1) AS report
            FROM reconciler.fix f
            WHERE f.run_id = $1 AND f.id > $2
            ORDER BY f.id LIMIT $3
            """
            : """
            SELECT \(fixColumns), ct.amount, ct.type::text AS type, ct."createdAt" AS created_at, NULL::text AS report
            FROM reconciler.fix f JOIN "CreditTransaction" ct ON ct.id = f.credit_transaction_id
            WHERE f.run_id = $1 AND f.id > $2
            ORDER BY f.id LIMIT $3
            """
        let rows = try connection.rows(sql, [runId, afterFixId, limit])
        return try rows.map { (row) throws(LedgerStoreError) in
            let kindText: String = try row.value("kind")
            let typeText: String = try row.value("type")
            guard let kind = RepairKind(rawValue: kindText), let type = CreditTransactionType(rawValue: typeText) else {
                throw LedgerStoreError.refused(
                    "reconciler.fix holds an unknown kind \(kindText) or ledger type \(typeText)")
            }
            let fix = AppliedFix(
                fixId: try row.value("id"), runId: runId, kind: kind, paymentId: try row.value("payment_id"),
                cancellationId: try row.value("cancellation_id"), userId: try row.value("user_id"),
                amount: try row.value("amount"), credits: try row.value("credits"), type: type,
                creditTransactionId: try row.value("credit_transaction_id"),
                balanceBefore: try row.value("balance_before"), balanceAfter: try row.value("balance_after"),
                createdAt: try row.value("created_at"))
            return WrittenFix(fix: fix, report: try row.value("report"))
        }
    }
}
