import Foundation
import Postgres

/// A synthetic web-app ledger of realistic size, bulk-loaded with COPY, for plan and
/// throughput tests.
///
/// Users `fx_user_<n>` each have a `"Credit"` row; payment `fx_pay_<n>` belongs to user
/// `n % users` and has a PURCHASE row; every `refundEvery`th payment also has a REFUND row;
/// the remaining rows are USAGE rows without a payment. Rows are spread evenly over the
/// `days` before `end`. Tables are ANALYZEd afterwards, so the planner sees the real sizes.
public struct LedgerFixture: Sendable {
    /// How many users.
    public var users: Int
    /// How many paid payments (one PURCHASE row each).
    public var payments: Int
    /// Total `"CreditTransaction"` rows (at least payments plus refunds).
    public var rows: Int
    /// Every n-th payment also gets a REFUND row.
    public var refundEvery: Int
    /// The newest row's time.
    public var end: Date
    /// The span of `"createdAt"` values.
    public var days: Int

    /// Describes a fixture.
    public init(users: Int, payments: Int, rows: Int, refundEvery: Int = 10, end: Date = Date(), days: Int = 365) {
        self.users = users
        self.payments = payments
        self.rows = rows
        self.refundEvery = refundEvery
        self.end = end
        self.days = days
    }

    /// The id of user `n`.
    public static func userId(_ n: Int) -> String { "fx_user_\(n)" }
    /// The id of payment `n`.
    public static func paymentId(_ n: Int) -> String { "fx_pay_\(n)" }

    /// When row `index` of `rows` was written.
    public func createdAt(row index: Int) -> Date {
        let span = Double(days) * 86_400
        return end.addingTimeInterval(-span + span * Double(index) / Double(max(1, rows)))
    }

    /// Loads the fixture into `connection`'s database and runs ANALYZE.
    public func load(into connection: Connection) throws {
        let now = end
        try connection.copyIn(table: "User", columns: ["id", "email", "createdAt"]) {
            (writer) throws(PostgresError) in
            for n in 0..<users { try writer.writeRow(Self.userId(n), "\(Self.userId(n))@example.com", now) }
        }
        try connection.copyIn(table: "Credit", columns: ["id", "userId", "balance", "createdAt", "updatedAt"]) {
            (writer) throws(PostgresError) in
            for n in 0..<users { try writer.writeRow("fx_credit_\(n)", Self.userId(n), Int64(0), now, now) }
        }
        let columns = ["id", "userId", "amount", "type", "description", "paymentId", "createdAt"]
        try connection.copyIn(table: "CreditTransaction", columns: columns) { (writer) throws(PostgresError) in
            var payment = 0
            var refunds = 0
            for index in 0..<rows {
                let at = createdAt(row: index)
                // Interleave payments, refunds and usage across the whole time span.
                let paymentsDue = Int(Double(payments) * Double(index + 1) / Double(max(1, rows)))
                if payment < paymentsDue {
                    try writer.writeRow(
                        "fx_ct_\(index)", Self.userId(payment % users), Int64(100), "PURCHASE", "fixture",
                        Self.paymentId(payment), at)
                    payment += 1
                } else if refunds * refundEvery + refundEvery <= payment, refundEvery > 0 {
                    try writer.writeRow(
                        "fx_ct_\(index)", Self.userId((refunds * refundEvery) % users), Int64(-100), "REFUND",
                        "fixture", Self.paymentId(refunds * refundEvery), at)
                    refunds += 1
                } else {
                    try writer.writeRow(
                        "fx_ct_\(index)", Self.userId(index % users), Int64(-1), "USAGE", String?.none, String?.none,
                        at)
                }
            }
        }
        try connection.execute(#"ANALYZE "User", "Credit", "CreditTransaction""#)
    }
}
