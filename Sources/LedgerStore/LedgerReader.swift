import Foundation
import Postgres
import ReconcilerCore

/// Reads the web app's ledger for a run: rows by payment, accounts, the window's payment ids
/// and balance totals, each in one indexed query per batch of ids (never a sequential scan of
/// `"CreditTransaction"`: see the `reconciler_CreditTransaction_*` indexes of migration 0003).
///
/// Ids travel as one `text[]` parameter (`= ANY($1::text[])`), so any string is matched
/// exactly. Not thread-safe, like the connection it reads through.
public final class LedgerReader {
    /// The connection queries run on.
    public let connection: Connection
    /// At most this many ids go into one statement; more are read in several statements.
    ///
    /// The default, 1000, keeps each statement on the indexes: against a 200,000-row ledger
    /// PostgreSQL 15 already prefers a sequential scan for 2000 ids in one `= ANY` (each id is
    /// costed as an index probe), and rightly so at that size; on bigger ledgers the
    /// crossover moves up in proportion.
    public let idsPerStatement: Int
    /// `"CreditTransaction"` rows this reader has read so far (for `totals.ledgerRowsScanned`).
    public private(set) var rowsRead = 0

    /// Creates a reader on `connection`.
    public init(connection: Connection, idsPerStatement: Int = 1000) {
        self.connection = connection
        self.idsPerStatement = max(1, idsPerStatement)
    }

    /// Every ledger row (any type) of each payment id, oldest first; payments without rows are
    /// absent from the result.
    public func entries(forPaymentIds paymentIds: [String]) throws(LedgerStoreError) -> [String: [LedgerEntry]] {
        var result: [String: [LedgerEntry]] = [:]
        for batch in Self.batches(of: paymentIds, size: idsPerStatement) {
            let rows = try connection.rows(
                """
                SELECT \(LedgerEntry.selectColumns) FROM "CreditTransaction"
                WHERE "paymentId" = ANY($1::text[])
                ORDER BY "paymentId", "createdAt", id
                """, [TextArray(batch)])
            rowsRead += rows.count
            for row in rows {
                let entry = try LedgerEntry(row: row)
                result[entry.paymentId!, default: []].append(entry)
            }
        }
        return result
    }

    /// Each payment id's ledger in a few numbers (``LedgerSummary``), one entry per distinct
    /// asked-for id, ids without rows included: the set-based first look at a scan page, which
    /// returns no rows and no accounts for the payments that turn out to be in order.
    ///
    /// One statement per batch: the rows of the batch's ids summed per payment on the
    /// `("paymentId")` index (one `= ANY` scan, as ``entries(forPaymentIds:)`` reads them), and
    /// the ids an open discrepancy names (`discrepancy_payment_id`), marked `open`. `rowsRead`
    /// counts the rows summed.
    public func summaries(forPaymentIds paymentIds: [String]) throws(LedgerStoreError) -> [String: LedgerSummary] {
        var result: [String: LedgerSummary] = [:]
        result.reserveCapacity(paymentIds.count)
        let none = LedgerSummary(
            rows: 0, purchases: 0, purchaseTotal: 0, refunds: 0, refundTotal: 0, lowestUserId: nil,
            highestUserId: nil, hasOpenDiscrepancy: false)
        for batch in Self.batches(of: paymentIds, size: idsPerStatement) {
            for id in batch { result[id] = none }
            let rows = try connection.rows(
                """
                SELECT t."paymentId" AS id, false AS open_discrepancy, count(*) AS rows,
                       count(*) FILTER (WHERE t.type = 'PURCHASE') AS purchases,
                       coalesce(sum(t.amount) FILTER (WHERE t.type = 'PURCHASE'), 0)::bigint AS purchase_total,
                       count(*) FILTER (WHERE t.type = 'REFUND') AS refunds,
                       coalesce(sum(t.amount) FILTER (WHERE t.type = 'REFUND'), 0)::bigint AS refund_total,
                       min(t."userId" COLLATE "C") FILTER (WHERE t.type IN ('PURCHASE', 'REFUND')) AS lowest_user,
                       max(t."userId" COLLATE "C") FILTER (WHERE t.type IN ('PURCHASE', 'REFUND')) AS highest_user
                FROM "CreditTransaction" t WHERE t."paymentId" = ANY($1::text[])
                GROUP BY t."paymentId"
                UNION ALL
                SELECT DISTINCT d.payment_id, true, 0, 0, 0, 0, 0, NULL, NULL FROM reconciler.discrepancy d
                WHERE d.status = 'open' AND d.payment_id = ANY($1::text[])
                """, [TextArray(batch)])
            for row in rows {
                let id: String = try row.value("id")
                if try row.value("open_discrepancy") as Bool {
                    result[id]?.hasOpenDiscrepancy = true
                    continue
                }
                let open = result[id]?.hasOpenDiscrepancy ?? false
                let summary = LedgerSummary(
                    rows: Int(try row.value("rows") as Int64), purchases: Int(try row.value("purchases") as Int64),
                    purchaseTotal: try row.value("purchase_total"), refunds: Int(try row.value("refunds") as Int64),
                    refundTotal: try row.value("refund_total"), lowestUserId: try row.value("lowest_user"),
                    highestUserId: try row.value("highest_user"), hasOpenDiscrepancy: open)
                rowsRead += summary.rows
                result[id] = summary
            }
        }
        return result
    }

    /// The users among `userIds` that exist, with their email and `"Credit".balance` (nil when
    /// they have no `"Credit"` row); unknown ids are absent from the result.
    public func accounts(userIds: [String]) throws(LedgerStoreError) -> [String: UserAccount] {
        var result: [String: UserAccount] = [:]
        for batch in Self.batches(of: userIds, size: idsPerStatement) {
            // A subquery per user ("userId" is unique) keeps "Credit" on its index: as a join,
            // PostgreSQL hashes all of "Credit" once per statement (50 ms at 250,000 users).
            let rows = try connection.rows(
                """
                SELECT u.id, u.email, (SELECT c.balance FROM "Credit" c WHERE c."userId" = u.id) AS balance
                FROM "User" u
                WHERE u.id = ANY($1::text[])
                """, [TextArray(batch)])
            for row in rows {
                let account = UserAccount(
                    id: try row.value("id"), email: try row.value("email"), balance: try row.value("balance"))
                result[account.id] = account
            }
        }
        return result
    }

    /// `"Credit".balance` next to the sum and count of each user's ledger rows (`BALANCE_DRIFT`),
    /// one entry per distinct asked-for id, unknown users included (`userExists` false).
    public func balanceTotals(userIds: [String]) throws(LedgerStoreError) -> [String: BalanceTotals] {
        var result: [String: BalanceTotals] = [:]
        for batch in Self.batches(of: userIds, size: idsPerStatement) {
            // LATERAL keeps the sum on the ("userId") index, one probe per user, however few
            // or many users the batch holds.
            let rows = try connection.rows(
                """
                SELECT q.id, u.id IS NOT NULL AS user_exists, c.balance, s.total, s.rows
                FROM unnest($1::text[]) AS q(id)
                LEFT JOIN "User" u ON u.id = q.id
                LEFT JOIN "Credit" c ON c."userId" = q.id
                CROSS JOIN LATERAL (
                    SELECT coalesce(sum(t.amount), 0)::bigint AS total, count(*) AS rows
                    FROM "CreditTransaction" t WHERE t."userId" = q.id
                ) s
                """, [TextArray(batch)])
            for row in rows {
                let totals = BalanceTotals(
                    userId: try row.value("id"), userExists: try row.value("user_exists"),
                    balance: try row.value("balance"), transactionSum: try row.value("total"),
                    transactionCount: try row.value("rows"))
                rowsRead += totals.transactionCount
                result[totals.userId] = totals
            }
        }
        return result
    }

    /// Every user whose `"Credit".balance` (0 without a row) differs from the sum of their
    /// ledger rows, in one statement so balance and sum come from one snapshot (a concurrent
    /// spend cannot show as drift). Reads the whole ledger once: the run's balance audit.
    public func balanceDrifts() throws(LedgerStoreError) -> [BalanceTotals] {
        let rows = try connection.rows(
            """
            SELECT u.id, c.balance, coalesce(s.total, 0)::bigint AS total, coalesce(s.rows, 0)::bigint AS rows
            FROM "User" u
            LEFT JOIN "Credit" c ON c."userId" = u.id
            LEFT JOIN (
                SELECT "userId", sum(amount) AS total, count(*) AS rows FROM "CreditTransaction" GROUP BY "userId"
            ) s ON s."userId" = u.id
            WHERE coalesce(c.balance, 0) <> coalesce(s.total, 0)
            ORDER BY u.id
            """)
        return try rows.map { (row) throws(LedgerStoreError) in
            BalanceTotals(
                userId: try row.value("id"), userExists: true, balance: try row.value("balance"),
                transactionSum: try row.value("total"), transactionCount: Int(try row.value("rows", as: Int64.self)))
        }
    }

    /// Like ``balanceDrifts()``, for part of the users only (the run's rotating balance audit):
    /// those with ledger rows written at or after `touchedSince` (the run's window and the
    /// repairs it wrote), those in `userIds` (e.g. whose drift is open), and slice `slice` of
    /// `slices` (0 ≤ `slice` < `slices`) of every user. A user's slice is fixed by its id alone:
    /// the first 32 bits of its MD5 (stable across PostgreSQL versions) as a number h, in slice
    /// ⌊h × `slices` / 2³²⌋, read as a range of migration 0010's index; auditing the slices in
    /// turn audits every user once in `slices` runs.
    ///
    /// What it reads follows the window and the slice, not the ledger's size: the window's rows
    /// by the `("createdAt")` index, the slice's users by their range of 0010's index, each
    /// audited user's `"User"` and `"Credit"` rows by their keys (sub-selects, so `"User"` and
    /// `"Credit"` are never hashed whole) and the sum of its rows by the covering
    /// `("userId") INCLUDE (amount)` index. One statement: balances and sums from one snapshot.
    public func balanceDrifts(
        touchedSince: Date, userIds: [String], slice: Int, of slices: Int
    ) throws(LedgerStoreError) -> [BalanceTotals] {
        let rows = try connection.rows(
            """
            WITH audited AS (
                SELECT t."userId" AS id FROM "CreditTransaction" t WHERE t."createdAt" >= $1::timestamp
                UNION
                SELECT unnest($2::text[])
                UNION
                SELECT u.id FROM "User" u
                WHERE (('x' || substr(md5(u.id), 1, 8))::bit(32)::bigint) >= $3::bigint
                  AND (('x' || substr(md5(u.id), 1, 8))::bit(32)::bigint) < $4::bigint
            )
            SELECT a.id, a.balance, coalesce(s.total, 0)::bigint AS total, coalesce(s.rows, 0)::bigint AS rows
            FROM (
                SELECT x.id, (SELECT c.balance FROM "Credit" c WHERE c."userId" = x.id) AS balance,
                       (SELECT true FROM "User" u WHERE u.id = x.id) AS known
                FROM audited x OFFSET 0
            ) a
            LEFT JOIN LATERAL (
                SELECT sum(t.amount) AS total, count(*) AS rows FROM "CreditTransaction" t WHERE t."userId" = a.id
            ) s ON true
            WHERE a.known IS TRUE AND coalesce(a.balance, 0) <> coalesce(s.total, 0)
            ORDER BY a.id
            """,
            [
                touchedSince, TextArray(userIds), Self.sliceStart(slice, of: slices),
                Self.sliceStart(slice + 1, of: slices),
            ])
        return try rows.map { (row) throws(LedgerStoreError) in
            BalanceTotals(
                userId: try row.value("id"), userExists: true, balance: try row.value("balance"),
                transactionSum: try row.value("total"), transactionCount: Int(try row.value("rows", as: Int64.self)))
        }
    }

    /// The smallest MD5 number (see ``balanceDrifts(touchedSince:userIds:slice:of:)``) of slice
    /// `slice` of `slices`: ⌈`slice` × 2³² / `slices`⌉ (2³² for `slice` = `slices`).
    static func sliceStart(_ slice: Int, of slices: Int) -> Int64 {
        let count = Int64(max(1, slices))
        return (Int64(min(max(0, slice), Int(count))) << 32 + count - 1) / count
    }

    /// Streams the distinct payment ids of PURCHASE and REFUND rows written in
    /// [`from`, `until`) (by `"createdAt"`, UTC), so a run can look up the payments its PortOne
    /// scan did not return (ARCHITECTURE §5.4).
    ///
    /// Rows are read in keyset pages of `pageSize` ordered by (`"createdAt"`, `id`) on the
    /// `("createdAt")` index; `body` gets each page's ids not handed out before (possibly
    /// empty pages are skipped). Ids `excluding` accepts are dropped before they are
    /// de-duplicated, so a caller that already knows most of them (the run's scanned payments)
    /// costs no set of its own. Rows committed behind the keyset during the scan are not
    /// seen; the next run's overlap covers them.
    @discardableResult
    public func paymentIds(
        createdFrom from: Date, until: Date, pageSize: Int = 5000, excluding: (String) -> Bool = { _ in false },
        _ body: ([String]) throws(LedgerStoreError) -> Void
    ) throws(LedgerStoreError) -> LedgerWindowScan {
        // Fingerprints, not strings, and only of ids not excluded.
        var seen = PaymentIdSet()
        var scan = LedgerWindowScan(rows: 0, paymentIds: 0, pages: 0)
        var after: (createdAt: String, id: String)?
        let limit = max(1, pageSize)
        while true {
            let rows: [Row]
            let columns = #"SELECT id, "paymentId", "createdAt"::text AS created_at FROM "CreditTransaction""#
            let window = """
                WHERE "createdAt" >= $1::timestamp AND "createdAt" < $2::timestamp
                  AND type IN ('PURCHASE', 'REFUND') AND "paymentId" IS NOT NULL
                """
            if let after {
                rows = try connection.rows(
                    """
                    \(columns)
                    \(window)
                      AND "createdAt" >= $3::timestamp AND ("createdAt", id) > ($3::timestamp, $4::text)
                    ORDER BY "createdAt", id LIMIT $5
                    """, [from, until, after.createdAt, after.id, limit])
            } else {
                rows = try connection.rows(
                    "\(columns)\n\(window)\nORDER BY \"createdAt\", id LIMIT $3", [from, until, limit])
            }
            guard let last = rows.last else { break }
            scan.pages += 1
            scan.rows += rows.count
            rowsRead += rows.count
            var fresh: [String] = []
            for row in rows {
                let paymentId: String = try row.value("paymentId")
                if !excluding(paymentId), seen.insert(paymentId) { fresh.append(paymentId) }
            }
            if !fresh.isEmpty { try body(fresh) }
            after = (try last.value("created_at"), try last.value("id"))
            if rows.count < limit { break }
        }
        scan.paymentIds = seen.count
        return scan
    }

    /// All distinct payment ids of the window at once (see `paymentIds(createdFrom:until:pageSize:_:)`).
    public func paymentIds(createdFrom from: Date, until: Date) throws(LedgerStoreError) -> [String] {
        var all: [String] = []
        try paymentIds(createdFrom: from, until: until) { all.append(contentsOf: $0) }
        return all
    }

    /// Distinct ids in first-seen order, cut into batches.
    static func batches(of ids: [String], size: Int) -> [[String]] {
        var seen = Set<String>()
        let unique = ids.filter { seen.insert($0).inserted }
        return stride(from: 0, to: unique.count, by: size).map { Array(unique[$0..<min($0 + size, unique.count)]) }
    }
}
