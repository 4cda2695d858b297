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
    ]

    @Test func impossiblePaymentsAreReportedNeverRepaired() async throws {
        try await TestDatabase.withFresh(schema: .app) { database in
            let (simulator, expected) = try await World.world(payments: 400, seed: 71, database: database)
            defer { simulator.stop() }
            let lost = try #require(expected.mistakes.first { $0.kind == "MISSED_GRANT" }?.paymentId)
            let original = try await simulator.control(.get, "/payments/\(lost)")
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
            #expect(result.fixes.contains { $0.paymentId == lost }, "the real payment is still repaired")
            let connection = try database.connect()
            defer { connection.close() }
            for (index, item) in Self.cases.enumerated() {
                let id = "hostile-\(index)"
                #expect(!result.fixes.contains { $0.paymentId == id }, "\(item.name) was repaired")
                let kinds = try connection.query(
                    "SELECT kind FROM reconciler.discrepancy WHERE payment_id = $1 AND status = 'open'", [id]
                ).map { try $0.decode("kind", as: String.self) }
                #expect(kinds.contains(item.kind), "\(item.name): opened \(kinds), expected \(item.kind)")
            }
            let state = try LedgerEndState.read(connection)
            #expect(state.paymentsGrantedTwice.isEmpty)
        }
    }
}
