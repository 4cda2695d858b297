import Foundation
import Postgres

/// The end state of the web app's ledger and of the reconciler's repairs, in a form that does
/// not depend on the order the repairs were applied in or on the ids they got: two databases
/// that started equal and were repaired by different sequences of runs must have equal end
/// states, or money was lost or doubled somewhere.
public struct LedgerEndState: Equatable, Sendable {
    /// `"Credit".balance` per user.
    public var balances: [String: Int64]
    /// How often each `userId|paymentId|type|amount` occurs among the `"CreditTransaction"` rows.
    public var transactions: [String: Int]
    /// How often each `paymentId|kind|cancellationId|credits` occurs among the `reconciler.fix` rows.
    public var fixes: [String: Int]
    /// Credits repaired per payment (the sum of its fix rows' credits, grants minus deductions).
    public var fixCreditsByPayment: [String: Int64]
    /// Payments holding more than one PURCHASE row (must stay empty).
    public var paymentsGrantedTwice: [String]
    /// Users whose balance differs from the sum of their transactions.
    public var driftedUsers: Set<String>

    /// Reads the end state through `connection`.
    public static func read(_ connection: Connection) throws -> LedgerEndState {
        var balances: [String: Int64] = [:]
        for row in try connection.query(#"SELECT "userId", balance::bigint AS balance FROM "Credit""#) {
            balances[try row.decode("userId")] = try row.decode("balance")
        }
        var transactions: [String: Int] = [:]
        for row in try connection.query(
            #"""
            SELECT "userId" || '|' || coalesce("paymentId", '-') || '|' || type::text || '|' || amount::text AS k,
                   count(*) AS n
            FROM "CreditTransaction" GROUP BY 1
            """#)
        {
            transactions[try row.decode("k")] = Int(try row.decode("n", as: Int64.self))
        }
        var fixes: [String: Int] = [:]
        var fixCredits: [String: Int64] = [:]
        for row in try connection.query(
            """
            SELECT payment_id, payment_id || '|' || kind || '|' || coalesce(cancellation_id, '-') || '|'
                   || credits::text AS k,
                   sum(CASE WHEN kind = 'MISSED_GRANT' THEN credits ELSE -credits END)::bigint AS credits,
                   count(*) AS n
            FROM reconciler.fix GROUP BY payment_id, 2
            """)
        {
            fixes[try row.decode("k")] = Int(try row.decode("n", as: Int64.self))
            fixCredits[try row.decode("payment_id"), default: 0] += try row.decode("credits")
        }
        let twice = try connection.query(
            #"""
            SELECT "paymentId" FROM "CreditTransaction" WHERE type = 'PURCHASE' AND "paymentId" IS NOT NULL
            GROUP BY 1 HAVING count(*) > 1 ORDER BY 1
            """#
        ).map { try $0.decode("paymentId", as: String.self) }
        let drifted = try connection.query(
            #"""
            SELECT c."userId" FROM "Credit" c
            LEFT JOIN (SELECT "userId", sum(amount)::bigint AS total FROM "CreditTransaction" GROUP BY 1) t
              ON t."userId" = c."userId"
            WHERE c.balance <> coalesce(t.total, 0)
            """#
        ).map { try $0.decode("userId", as: String.self) }
        return LedgerEndState(
            balances: balances, transactions: transactions, fixes: fixes, fixCreditsByPayment: fixCredits,
            paymentsGrantedTwice: twice, driftedUsers: Set(drifted))
    }

    /// The first few differences from `other`, one line each (empty when equal).
    public func differences(from other: LedgerEndState, limit: Int = 10) -> [String] {
        var lines: [String] = []
        func compare<V: Equatable>(_ name: String, _ mine: [String: V], _ theirs: [String: V]) {
            for key in Set(mine.keys).union(theirs.keys).sorted() where mine[key] != theirs[key] {
                lines.append(
                    "\(name) \(key): \(mine[key].map { "\($0)" } ?? "none") vs \(theirs[key].map { "\($0)" } ?? "none")"
                )
            }
        }
        compare("balance", balances, other.balances)
        compare("transactions", transactions, other.transactions)
        compare("fix", fixes, other.fixes)
        compare("fix credits", fixCreditsByPayment, other.fixCreditsByPayment)
        if paymentsGrantedTwice != other.paymentsGrantedTwice {
            lines.append("granted twice: \(paymentsGrantedTwice) vs \(other.paymentsGrantedTwice)")
        }
        if driftedUsers != other.driftedUsers {
            lines.append("drifted users: \(driftedUsers.sorted()) vs \(other.driftedUsers.sorted())")
        }
        return Array(lines.prefix(limit))
    }
}
