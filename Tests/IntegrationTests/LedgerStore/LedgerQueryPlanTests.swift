import Foundation
import LedgerStore
import Postgres
import ReconcilerCore
import TestSupport
import Testing
import WireFormat

/// The plans PostgreSQL picks for the reconciler's ledger statements on a 1,000,000-row
/// `"CreditTransaction"`: none reads the table sequentially (nor `"Credit"` for a page's accounts). Each statement is run for real
/// through the reader and the repair writer with `auto_explain` sending its plan back as a
/// notice, so the checked SQL is the shipped SQL.
@Suite("Ledger query plans", .serialized)
struct LedgerQueryPlanTests {
    static let rows = 1_000_000
    static let users = 100_000

    @Test(
        "no reconciler statement scans a 1,000,000-row CreditTransaction sequentially; the balance audit is index-only")
    func noSequentialScanOfTheLedger() throws {
        try TestDatabase.withFresh(schema: .app) { database in
            let admin = try database.connect()
            defer { admin.close() }
            try Self.seed(admin)
            _ = try Migrator(connection: admin).migrate()
            try admin.executeScript(#"VACUUM ANALYZE "User""#)
            try admin.executeScript(#"VACUUM ANALYZE "Credit""#)
            try admin.executeScript(#"VACUUM ANALYZE "CreditTransaction""#)
            let run = try RunRecorder(connection: admin).begin(
                RunStart(trigger: .manual, mode: .apply, windowFrom: nil, windowUntil: nil, version: "test"))

            let connection = try database.connect()
            defer { connection.close() }
            try connection.sendPlansAsNotices()

            let reader = LedgerReader(connection: connection)
            let payments = (0..<1000).map { "payment-\($0 * 997 + 1)" }
            let users = (0..<1000).map { "user-\($0 * 89 + 1)" }
            #expect(try reader.entries(forPaymentIds: payments).count == 900)
            // The set-based look at a scan page: one summary per payment, rows or not.
            let summaries = try reader.summaries(forPaymentIds: payments)
            #expect(summaries.count == 1000 && summaries.values.filter { $0.rows > 0 }.count == 900)
            #expect(try reader.accounts(userIds: users).count == 1000)
            #expect(try reader.balanceTotals(userIds: users).count == 1000)
            // A nightly window: a day and its overlap, of the month the ledger covers.
            let from = Date(timeIntervalSince1970: 1_790_000_000)
            #expect(try !reader.paymentIds(createdFrom: from, until: from.addingTimeInterval(2 * 86_400)).isEmpty)

            let writer = RepairWriter(connection: connection, runId: run.runId)
            let grant: (RepairSnapshot) -> [LedgerWrite] = { snapshot in
                snapshot.freshLedger.isEmpty
                    ? [
                        .grant(
                            userId: snapshot.userId, paymentId: snapshot.paymentId, credits: 100, description: "test")
                    ]
                    : []
            }
            let units = (0..<200).map { RepairUnit(userId: "user-\($0 * 7 + 1)", paymentId: "missing-\($0)") }
            #expect(
                try writer.apply(units: units, decide: grant).allSatisfy {
                    if case .applied = $0 { true } else { false }
                })
            #expect(try writer.apply(userId: "user-5", paymentId: "missing-single", decide: grant) != .nothingToDo)
            let drifts = try reader.balanceDrifts()
            #expect(drifts.count > 0)
            // The rotating audit of a nightly run: the window's users, one user named, a thirtieth
            // of every user; by the ("createdAt") and covering ("userId") indexes, never the whole ledger.
            let rotating = try reader.balanceDrifts(
                touchedSince: RFC3339.timestamp("2026-09-30T12:00:00Z")!.date, userIds: ["user-5"], slice: 1, of: 30)
            #expect(rotating.count > 0 && rotating.count < drifts.count)

            let notices = connection.drainNotices().map(\.message)
            let accountPlans = notices.filter { $0.contains("u.email") }
            #expect(!accountPlans.isEmpty)
            #expect(
                accountPlans.allSatisfy { !$0.contains(#"Seq Scan on "Credit""#) },
                "accounts plan: \(accountPlans.joined(separator: "\n---\n"))")
            let plans = notices.filter { $0.contains("CreditTransaction") }
            #expect(plans.count >= 8, "auto_explain sent \(plans.count) plans")
            let sequential = plans.filter { $0.contains(#"Seq Scan on "CreditTransaction""#) }
            #expect(sequential.isEmpty, "sequential scans: \(sequential.joined(separator: "\n---\n"))")
            let summaryPlans = plans.filter { $0.contains("lowest_user") }
            #expect(summaryPlans.count == 1)
            #expect(
                summaryPlans.allSatisfy { $0.contains("reconciler_CreditTransaction_paymentId") },
                "summary plan: \(summaryPlans.joined())")
            let rotatingAudit = plans.filter { $0.contains("WITH audited AS") }
            #expect(rotatingAudit.count == 1)
            #expect(
                rotatingAudit.allSatisfy {
                    $0.contains("Index Only Scan using \"reconciler_CreditTransaction_userId_amount_idx\"")
                        && $0.contains("reconciler_User_audit_slice_idx") && !$0.contains(#"Seq Scan on "User""#)
                        && !$0.contains(#"Seq Scan on "Credit""#)
                },
                "rotating audit plan: \(rotatingAudit.joined())")
            let audit = plans.filter { $0.contains("GROUP BY \"userId\"") }
            #expect(audit.count == 1)
            #expect(
                audit.allSatisfy {
                    $0.contains("Index Only Scan using \"reconciler_CreditTransaction_userId_amount_idx\"")
                },
                "balance audit plan: \(audit.joined())")
        }
    }

    /// `users` users with a `"Credit"` row, `rows` ledger rows spread over a month: nine in ten
    /// a PURCHASE of its own payment, one in ten a USAGE.
    static func seed(_ connection: Connection) throws {
        try connection.executeScript(
            """
            INSERT INTO "User" (id, email, name, "createdAt")
            SELECT 'user-' || g, 'user' || g || '@example.com', NULL, timestamp '2026-09-01'
            FROM generate_series(1, \(users)) g;
            INSERT INTO "Credit" (id, "userId", balance, "createdAt", "updatedAt")
            SELECT 'credit-' || g, 'user-' || g, 1000, timestamp '2026-09-01', timestamp '2026-09-01'
            FROM generate_series(1, \(users)) g;
            INSERT INTO "CreditTransaction" (id, "userId", amount, type, description, "paymentId", "createdAt")
            SELECT 'tx-' || g, 'user-' || (g % \(users) + 1),
                   CASE WHEN g % 10 = 0 THEN -10 ELSE 100 END,
                   (CASE WHEN g % 10 = 0 THEN 'USAGE' ELSE 'PURCHASE' END)::"CreditTransactionType", NULL,
                   CASE WHEN g % 10 = 0 THEN NULL ELSE 'payment-' || g END,
                   timestamp '2026-09-01' + g * interval '2592 milliseconds'
            FROM generate_series(1, \(rows)) g;
            """)
    }
}
