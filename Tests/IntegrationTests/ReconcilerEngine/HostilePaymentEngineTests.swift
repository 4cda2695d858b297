import Foundation
import LedgerStore
import PortOne
import Postgres
import ReconcilerCore
import ReconcilerEngine
import TestSupport
import Testing

/// Hostile payments served by PortOne (upserted into the simulator) through a whole apply run:
/// copies of a real paid payment of a real user, each with one impossible value. None may be
/// repaired; each must open a discrepancy of the expected kind on its own id; the rest of the
/// world is repaired as usual. (Total Int64.max crashed every run with an arithmetic overflow
/// in the report tally before the tally saturated.)
@Suite(.serialized) struct HostilePaymentEngineTests {
    typealias World = ReconciliationWorldTests

    /// One impossible payment: a change to the copy, and the discrepancy it must open.
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var kind: String
        var change: @Sendable (inout [String: Any]) -> Void
        var testDescription: String { name }
    }

    static func amount(_ key: String, _ value: Int64) -> @Sendable (inout [String: Any]) -> Void {
        { payment in
            var amount = payment["amount"] as? [String: Any] ?? [:]
            amount[key] = NSNumber(value: value)
            payment["amount"] = amount
        }
    }

    static let cases: [Case] = [
        Case(name: "negative total and paid", kind: "AMOUNT_MISMATCH") {
            amount("total", -30_000)(&$0)
            amount("paid", -30_000)(&$0)
        },
        Case(name: "total Int64.max", kind: "AMOUNT_MISMATCH") {
            amount("total", .max)(&$0)
            amount("paid", .max)(&$0)
        },
        Case(name: "currency USD", kind: "CURRENCY_MISMATCH") { $0["currency"] = "USD" },
        // Issue 9 rulings: impossible amounts and unknown packages are reported, never repaired.
        Case(name: "PAID with amount.paid negative", kind: "AMOUNT_MISMATCH", change: amount("paid", -1)),
        Case(name: "PAID with amount.paid above the total", kind: "AMOUNT_MISMATCH", change: amount("paid", 30_001)),
        Case(name: "PAID with amount.cancelled negative", kind: "AMOUNT_MISMATCH", change: amount("cancelled", -500)),
        Case(name: "PAID with amount.cancelled above the total", kind: "AMOUNT_MISMATCH") {
            amount("cancelled", 30_001)(&$0)
            amount("paid", 0)(&$0)
        },
        Case(name: "SUCCEEDED cancellations above the total", kind: "AMOUNT_MISMATCH") {
            $0["status"] = "PARTIAL_CANCELLED"
            $0["cancelledAt"] = $0["paidAt"]
            $0["cancellations"] = [cancellation("c-1", 20_000, $0), cancellation("c-2", 20_000, $0)]
            amount("cancelled", 20_000)(&$0)
            amount("paid", 10_000)(&$0)
        },
        Case(name: "a cancellation with a negative amount", kind: "AMOUNT_MISMATCH") {
            $0["status"] = "PARTIAL_CANCELLED"
            $0["cancelledAt"] = $0["paidAt"]
            $0["cancellations"] = [cancellation("c-1", -5_000, $0)]
        },
        Case(name: "customData.packageId not in the catalog", kind: "UNRESOLVED_PAYMENT") {
            $0["customData"] = #"{"userId":"\#(userId(of: $0))","packageId":"no-such-package"}"#
        },
        Case(name: "customData not JSON", kind: "UNRESOLVED_PAYMENT") { $0["customData"] = "user=\(userId(of: $0))" },
        Case(name: "customData.packageId an object", kind: "UNRESOLVED_PAYMENT") {
            $0["customData"] = #"{"userId":"\#(userId(of: $0))","packageId":{"id":"basic"}}"#
        },
    ]

    /// A SUCCEEDED cancellation of `amount`, stamped when the payment was paid.
    static func cancellation(_ id: String, _ amount: Int64, _ payment: [String: Any]) -> [String: Any] {
        [
            "status": "SUCCEEDED", "id": id, "totalAmount": NSNumber(value: amount), "taxFreeAmount": 0,
            "vatAmount": 0, "reason": "test", "requestedAt": payment["paidAt"] ?? "2026-10-01T00:00:00Z",
            "cancelledAt": payment["paidAt"] ?? "2026-10-01T00:00:00Z",
        ]
    }

    /// The app user a payment names (customer.id is always set on the copied payment).
    static func userId(of payment: [String: Any]) -> String {
        (payment["customer"] as? [String: Any])?["id"] as? String ?? "nobody"
    }

    @Test func impossiblePaymentsAreReportedNeverRepaired() async throws {
        try await TestDatabase.withFresh(schema: .app) { database in
            let (simulator, expected) = try await World.world(payments: 400, seed: 71, database: database)
            defer { simulator.stop() }
            // A lost grant of the basic package (30,000 KRW) with a customer id, as the cases assume.
            var lost = ""
            var original: [String: Any] = [:]
            for mistake in expected.mistakes where mistake.kind == "MISSED_GRANT" {
                let candidate = try await simulator.control(.get, "/payments/\(mistake.paymentId ?? "")")
                let total = (candidate["amount"] as? [String: Any])?["total"] as? Int
                if total == 30_000, candidate["status"] as? String == "PAID", Self.userId(of: candidate) != "nobody" {
                    (lost, original) = (mistake.paymentId ?? "", candidate)
                    break
                }
            }
            try #require(!lost.isEmpty, "the world has a lost grant of the basic package")
            var hostile: [[String: Any]] = []
            for (index, item) in Self.cases.enumerated() {
                var payment = original
                payment["id"] = "hostile-\(index)"
                payment["transactionId"] = "tx-hostile-\(index)"
                item.change(&payment)
                hostile.append(payment)
            }
            try await simulator.control(.post, "/_simulator/payments", ["payments": hostile])
            let result = try await World.engine(simulator, database).run(RunRequest())
            #expect(
                (try result.fixes(in: database.url)).contains { $0.paymentId == lost },
                "the real payment is still repaired")
            let connection = try database.connect()
            defer { connection.close() }
            for (index, item) in Self.cases.enumerated() {
                let id = "hostile-\(index)"
                #expect(
                    !(try result.fixes(in: database.url)).contains { $0.paymentId == id }, "\(item.name) was repaired")
                let kinds = try connection.query(
                    "SELECT kind FROM reconciler.discrepancy WHERE payment_id = $1 AND status = 'open'", [id]
                ).map { try $0.decode("kind", as: String.self) }
                #expect(kinds.contains(item.kind), "\(item.name): opened \(kinds), expected \(item.kind)")
            }
            let state = try LedgerEndState.read(connection)
            #expect(state.paymentsGrantedTwice.isEmpty)
        }
    }

    /// "Never move credits on impossible data" holds for a payment the ledger granted already:
    /// PortOne now reports it CANCELLED with cancellations above its total, and the run neither
    /// deducts nor grants anything for it; finance is told through AMOUNT_MISMATCH.
    @Test func impossibleDataOnAGrantedPaymentMovesNoCredits() async throws {
        try await TestDatabase.withFresh(schema: .app) { database in
            let (simulator, expected) = try await World.world(payments: 400, seed: 72, database: database)
            defer { simulator.stop() }
            let connection = try database.connect()
            defer { connection.close() }
            let listed = Set(expected.mistakes.compactMap(\.paymentId))
            let granted = try connection.query(
                """
                SELECT "paymentId" FROM "CreditTransaction" WHERE type = 'PURCHASE' AND "paymentId" IS NOT NULL
                GROUP BY "paymentId" HAVING count(*) = 1 AND bool_and(amount > 0) ORDER BY "paymentId"
                """
            ).map { try $0.decode("paymentId", as: String.self) }.filter { !listed.contains($0) }
            var target = ""
            var payment: [String: Any] = [:]
            for id in granted {
                let candidate = try await simulator.control(.get, "/payments/\(id)")
                if candidate["status"] as? String == "PAID" {
                    (target, payment) = (id, candidate)
                    break
                }
            }
            try #require(!target.isEmpty, "the world has a granted PAID payment")
            let total = Int64((payment["amount"] as? [String: Any])?["total"] as? Int ?? 0)
            payment["status"] = "CANCELLED"
            payment["cancelledAt"] = payment["paidAt"]
            payment["cancellations"] = [
                Self.cancellation("c-1", total, payment), Self.cancellation("c-2", total, payment),
            ]
            Self.amount("cancelled", total)(&payment)
            Self.amount("paid", 0)(&payment)
            try await simulator.control(.post, "/_simulator/payments", ["payments": [payment]])
            func ledgerSum() throws -> Int64 {
                try connection.query(
                    #"SELECT coalesce(sum(amount), 0)::bigint AS s FROM "CreditTransaction" WHERE "paymentId" = $1"#,
                    [target]
                ).first?.decode("s", as: Int64.self) ?? -1
            }
            let before = try ledgerSum()
            let result = try await World.engine(simulator, database).run(RunRequest())
            #expect(
                !(try result.fixes(in: database.url)).contains { $0.paymentId == target },
                "an impossible refund was deducted")
            #expect(try ledgerSum() == before)
            let kinds = try connection.query(
                "SELECT kind FROM reconciler.discrepancy WHERE payment_id = $1 AND status = 'open'", [target]
            ).map { try $0.decode("kind", as: String.self) }
            #expect(kinds == ["AMOUNT_MISMATCH"])
            #expect(
                (try result.fixes(in: database.url)).contains { $0.kind == .missedGrant },
                "the rest of the world is repaired")
        }
    }
}
