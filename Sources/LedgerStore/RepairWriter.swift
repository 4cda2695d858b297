import Foundation
import Postgres
import ReconcilerCore

/// Applies repairs to the app's ledger, each repair unit (one payment of one user) in one
/// transaction (ARCHITECTURE §5.5):
///
/// 1. lock the user's `"Credit"` row (`SELECT … FOR UPDATE`; a missing row is made with balance 0);
/// 2. read the payment's ledger rows again, after the lock;
/// 3. let the caller decide on that fresh data (`decide`), which returns the rows to write;
/// 4. insert the `"CreditTransaction"` rows, set `"Credit".balance`/`"updatedAt"` and insert
///    the `reconciler.fix` rows in one statement; commit.
///
/// Because the decision sees every committed row of the payment, rerunning a unit after a
/// crash at any point writes nothing twice. A PURCHASE committed concurrently by the web app's
/// webhook makes the insert hit the unique PURCHASE index: the unit rolls back and reports
/// `.alreadyGranted`; a deadlock with such a webhook (the server aborts one side) is retried.
/// When the connection is lost, the transaction is rolled back by the
/// server and `LedgerStoreError.unavailable` is thrown (a commit whose answer was lost may
/// have landed: the next run's fresh read sees it).
public final class RepairWriter {
    /// The connection repairs run on.
    public let connection: Connection
    /// The run recorded in `reconciler.fix.run_id`.
    public let runId: Int64

    /// The unique index that makes a payment grantable once (migration 0002).
    public static let purchaseIndex = "CreditTransaction_paymentId_purchase_key"

    /// Creates a writer for run `runId` on `connection` (not the run-lock connection).
    public init(connection: Connection, runId: Int64) {
        self.connection = connection
        self.runId = runId
    }

    /// Applies one repair unit: the writes `decide` returns for the fresh snapshot of
    /// `paymentId` with `userId`'s `"Credit"` row locked.
    ///
    /// - Throws: what `decide` throws (nothing is written); `.refused` when a write does not fit
    ///   the unit (other user or payment, wrong sign or type, a write for an unknown user); the
    ///   database's error otherwise (nothing is written; `.unavailable` when the connection
    ///   was lost).
    public func apply(
        userId: String, paymentId: String, decide: (RepairSnapshot) throws(LedgerStoreError) -> [LedgerWrite]
    ) throws(LedgerStoreError) -> RepairOutcome {
        // A webhook that inserts its PURCHASE and then updates the balance takes the locks in the
        // opposite order to ours: the server breaks such a deadlock by aborting one side. When it
        // is us, the unit is decided again on fresh data, after a short random pause: retried at
        // once, we retake the user's "Credit" row before the webhook that won can update it, and
        // a webhook that also retries at once (its own victim) slips its PURCHASE in again, so
        // the two deadlock over and over until our attempts run out and the whole run fails.
        var attempt = 1
        while true {
            do {
                return try applyOnce(userId: userId, paymentId: paymentId, decide: decide)
            } catch {
                guard case .database(let failure) = error, failure.isTransient, attempt < Self.attempts else {
                    throw error
                }
                Thread.sleep(forTimeInterval: Double(Int.random(in: 10...30) * attempt) / 1000)
                attempt += 1
            }
        }
    }

    /// How often a unit is tried when the server aborts it for a deadlock or serialization failure.
    public static let attempts = 5

    private func applyOnce(
        userId: String, paymentId: String, decide: (RepairSnapshot) throws(LedgerStoreError) -> [LedgerWrite]
    ) throws(LedgerStoreError) -> RepairOutcome {
        do {
            return try connection.transaction { (connection) throws(UnitFailure) in
                let snapshot = try UnitFailure.step(
                    try lockAndRead(userId: userId, paymentId: paymentId, on: connection))
                let writes = try UnitFailure.step(try decide(snapshot))
                guard !writes.isEmpty else { throw .nothingToWrite }
                return .applied(try UnitFailure.step(try write(writes, snapshot: snapshot, on: connection)))
            }
        } catch {
            switch error {
            case .nothingToWrite:
                return .nothingToDo
            case .store(.database(let failure)) where failure.isUniqueViolation:
                // The transaction is rolled back. Which index refused us? The message names it;
                // should a redacted message hide it, a committed PURCHASE of the payment says it too.
                if failure.message.contains(Self.purchaseIndex) || (try? purchaseExists(paymentId)) == true {
                    return .alreadyGranted
                }
                throw .database(failure)
            case .store(let failure):
                throw failure
            }
        }
    }

    private func purchaseExists(_ paymentId: String) throws(LedgerStoreError) -> Bool {
        try connection.firstRow(
            #"SELECT EXISTS (SELECT 1 FROM "CreditTransaction" WHERE "paymentId" = $1 AND type = 'PURCHASE') AS e"#,
            [paymentId])!.value("e")
    }

    private func lockAndRead(userId: String, paymentId: String, on connection: Connection) throws(LedgerStoreError)
        -> RepairSnapshot
    {
        let lock = #"SELECT balance FROM "Credit" WHERE "userId" = $1 FOR UPDATE"#
        var balance: Int64? = try connection.firstRow(lock, [userId])?.value("balance")
        var created = false
        if balance == nil {
            let inserted = try connection.perform(
                #"""
                INSERT INTO "Credit" (id, "userId", balance, "createdAt", "updatedAt")
                SELECT $1, $2, 0, (now() AT TIME ZONE 'UTC')::timestamp(3), (now() AT TIME ZONE 'UTC')::timestamp(3)
                WHERE EXISTS (SELECT 1 FROM "User" WHERE id = $2)
                ON CONFLICT ("userId") DO NOTHING
                """#, [LedgerIdentifier.make(), userId])
            created = inserted.affectedRows == 1
            balance = try connection.firstRow(lock, [userId])?.value("balance")
        }
        // A statement of its own, after the lock: its snapshot includes every ledger row
        // committed by whoever held the lock before us.
        let ledger = try connection.rows(
            """
            SELECT \(LedgerEntry.selectColumns) FROM "CreditTransaction"
            WHERE "paymentId" = $1 ORDER BY "createdAt", id
            """, [paymentId]
        ).map(LedgerEntry.init(row:))
        return RepairSnapshot(
            userId: userId, paymentId: paymentId, lockedBalance: balance, creditRowCreated: created,
            freshLedger: ledger)
    }

    private func write(_ writes: [LedgerWrite], snapshot: RepairSnapshot, on connection: Connection)
        throws(LedgerStoreError)
        -> [AppliedFix]
    {
        let planned = try Self.plan(writes, snapshot: snapshot)
        return try insert(planned, on: connection)
    }

    /// Validates `writes` against the unit and chains the balance through them.
    static func plan(_ writes: [LedgerWrite], snapshot: RepairSnapshot) throws(LedgerStoreError) -> [PlannedWrite] {
        guard let start = snapshot.lockedBalance else {
            throw LedgerStoreError.refused(
                "refusing to repair payment \(snapshot.paymentId): user \(snapshot.userId) does not exist in \"User\" "
                    + "(report it as UNKNOWN_USER instead)")
        }
        var balance = start
        var planned: [PlannedWrite] = []
        for write in writes {
            try validate(write, snapshot: snapshot)
            let (after, overflow) = balance.addingReportingOverflow(write.amount)
            guard !overflow else {
                throw LedgerStoreError.refused("a repair of payment \(write.paymentId) overflows the balance")
            }
            planned.append(PlannedWrite(id: LedgerIdentifier.make(), write: write, before: balance, after: after))
            balance = after
        }
        return planned
    }

    /// Inserts the ledger rows and fix rows of `planned` and sets each user's balance to the
    /// last planned `after`, in one statement; returns the fixes in `planned` order.
    func insert(_ planned: [PlannedWrite], on connection: Connection) throws(LedgerStoreError) -> [AppliedFix] {
        var finalBalance: [String: Int64] = [:]
        var users: [String] = []
        for item in planned {
            if finalBalance.updateValue(item.after, forKey: item.write.userId) == nil {
                users.append(item.write.userId)
            }
        }
        let rows = try connection.rows(
            #"""
            WITH w AS (
                SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::text[],
                                     $7::text[], $8::text[], $9::bigint[], $10::bigint[], $11::bigint[])
                    AS w (id, user_id, payment_id, amount, type, description, kind, cancellation_id, credits,
                          balance_before, balance_after)
            ), ct AS (
                INSERT INTO "CreditTransaction" (id, "userId", amount, type, description, "paymentId", "createdAt")
                SELECT w.id, w.user_id, w.amount, w.type::"CreditTransactionType", w.description, w.payment_id,
                       (now() AT TIME ZONE 'UTC')::timestamp(3)
                FROM w
                RETURNING id, "createdAt"
            ), credit AS (
                UPDATE "Credit" AS c SET balance = b.balance, "updatedAt" = (now() AT TIME ZONE 'UTC')::timestamp(3)
                FROM unnest($12::text[], $13::bigint[]) AS b (user_id, balance)
                WHERE c."userId" = b.user_id
                RETURNING c."userId"
            ), fx AS (
                INSERT INTO reconciler.fix (run_id, kind, payment_id, cancellation_id, credits, credit_transaction_id,
                                            user_id, balance_before, balance_after)
                SELECT $14, w.kind, w.payment_id, w.cancellation_id, w.credits, ct.id, w.user_id, w.balance_before,
                       w.balance_after
                FROM w JOIN ct ON ct.id = w.id
                RETURNING id, credit_transaction_id
            )
            SELECT fx.id AS fix_id, fx.credit_transaction_id, ct."createdAt" AS created_at,
                   (SELECT count(*) FROM credit) AS credit_rows
            FROM fx JOIN ct ON ct.id = fx.credit_transaction_id
            """#,
            [
                TextArray(planned.map(\.id)), TextArray(planned.map(\.write.userId)),
                TextArray(planned.map(\.write.paymentId)), TextArray(planned.map { String($0.write.amount) }),
                TextArray(planned.map(\.write.type.rawValue)), TextArray(optionals: planned.map(\.write.description)),
                TextArray(planned.map(\.write.fixKind.rawValue)),
                TextArray(optionals: planned.map(\.write.cancellationId)),
                TextArray(planned.map { String($0.write.credits) }), TextArray(planned.map { String($0.before) }),
                TextArray(planned.map { String($0.after) }), TextArray(users),
                TextArray(users.map { String(finalBalance[$0]!) }), runId,
            ])
        guard rows.count == planned.count, try rows.first?.value("credit_rows", as: Int64.self) == Int64(users.count)
        else {
            throw LedgerStoreError.refused(
                "a repair wrote \(rows.count) of \(planned.count) ledger rows (or lost a \"Credit\" row); "
                    + "it was rolled back, nothing was written")
        }
        var byId: [String: Row] = [:]
        for row in rows { byId[try row.value("credit_transaction_id")] = row }
        return try planned.map { (item) throws(LedgerStoreError) in
            let row = byId[item.id]!
            return AppliedFix(
                fixId: try row.value("fix_id"), runId: runId, kind: item.write.fixKind,
                paymentId: item.write.paymentId,
                cancellationId: item.write.cancellationId, userId: item.write.userId, amount: item.write.amount,
                credits: item.write.credits, type: item.write.type, creditTransactionId: item.id,
                balanceBefore: item.before, balanceAfter: item.after, createdAt: try row.value("created_at"))
        }
    }

    private static func validate(_ write: LedgerWrite, snapshot: RepairSnapshot) throws(LedgerStoreError) {
        func refuse(_ why: String) -> LedgerStoreError {
            LedgerStoreError.refused(
                "refusing a \(write.fixKind.rawValue) write of \(write.amount) credits for payment \(write.paymentId): "
                    + why + "; nothing was written (this is a bug in the repair decision)")
        }
        guard write.userId == snapshot.userId, write.paymentId == snapshot.paymentId else {
            throw refuse("the repair unit is payment \(snapshot.paymentId) of user \(snapshot.userId)")
        }
        switch write.fixKind {
        case .missedGrant:
            guard write.type == .purchase, write.amount > 0, write.cancellationId == nil else {
                throw refuse("a grant is a PURCHASE row with a positive amount and no cancellation")
            }
        case .missedRefund:
            guard write.type == .refund, write.amount < 0 else {
                throw refuse("a deduction is a REFUND row with a negative amount")
            }
        }
    }
}

/// One ledger row about to be written, with its new id and the balance around it.
struct PlannedWrite {
    /// The `"CreditTransaction".id` it gets.
    let id: String
    /// What to write.
    let write: LedgerWrite
    /// The user's balance before it.
    let before: Int64
    /// The user's balance after it.
    let after: Int64
}

/// What ends a repair unit's transaction: the store's error, or a decision that writes
/// nothing (thrown to roll back a `"Credit"` row made only for the lock).
private enum UnitFailure: PostgresErrorRepresentable {
    case store(LedgerStoreError)
    case nothingToWrite

    init(_ error: PostgresError) {
        self = .store(LedgerStoreError(error))
    }

    /// Evaluates a store step inside the transaction.
    static func step<T>(_ step: @autoclosure () throws(LedgerStoreError) -> T) throws(UnitFailure) -> T {
        do {
            return try step()
        } catch {
            throw .store(error)
        }
    }
}
