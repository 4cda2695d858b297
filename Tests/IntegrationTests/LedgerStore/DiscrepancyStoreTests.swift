import Foundation
import LedgerStore
import Postgres
import TestSupport
import Testing

/// DiscrepancyStore: dedup across runs, closing what went away, manual resolution.
@Suite("Discrepancy store")
struct DiscrepancyStoreTests {
    /// Runs `body` with a store and a function that begins and finishes one run per call.
    static func withStore(_ body: (DiscrepancyStore, () throws -> Int64) throws -> Void) throws {
        try TestDatabase.withFresh(schema: .migrated) { database in
            let connection = try database.connect()
            let recorder = RunRecorder(connection: connection)
            var current: Int64?
            func nextRun() throws -> Int64 {
                if let current { try recorder.finish(current, outcome: .succeeded) }
                let run = try recorder.begin(
                    RunStart(trigger: .timer, mode: .apply, windowFrom: nil, windowUntil: nil, version: "test"))
                current = run.runId
                return run.runId
            }
            try body(DiscrepancyStore(connection: connection, batchSize: 2), nextRun)
        }
    }

    static func amountMismatch(_ paymentId: String, actual: Int = 9900) -> DiscrepancyRecord {
        DiscrepancyRecord(
            kind: "AMOUNT_MISMATCH", severity: "critical", paymentId: paymentId, userId: "user_a",
            expectedJSON: #"{"amount": 10000}"#, actualJSON: #"{"amount": \#(actual)}"#,
            evidenceJSON: #"{"status": "PAID"}"#, detail: "paid \(actual) for a 10000 package")
    }

    @Test("the same finding in later runs is one open discrepancy: occurrences grow, first seen is kept")
    func dedupAcrossRuns() throws {
        try Self.withStore { store, nextRun in
            let run1 = try nextRun()
            let drift = DiscrepancyRecord(
                kind: "BALANCE_DRIFT", severity: "warning", userId: "user_b", expectedJSON: "100", actualJSON: "90")
            let limit = DiscrepancyRecord(kind: "FIX_LIMIT_EXCEEDED", severity: "critical", detail: "501 > 500")
            let first = try store.record(
                [Self.amountMismatch("pay_1"), Self.amountMismatch("pay,\"2\""), drift, limit], runId: run1)
            #expect(first.count == 4)
            #expect(first.allSatisfy { $0.isNew && $0.occurrences == 1 })
            #expect(Set(first.map(\.subject)) == ["payment:pay_1", "payment:pay,\"2\"", "user:user_b", "run"])
            // Recorded twice in one run (and twice in one call): still one occurrence.
            let same = try store.record(
                [Self.amountMismatch("pay_1"), Self.amountMismatch("pay_1", actual: 1)], runId: run1)
            #expect(same.map(\.occurrences) == [1])

            let run2 = try nextRun()
            let second = try store.record([Self.amountMismatch("pay_1", actual: 9800), drift], runId: run2)
            #expect(second.allSatisfy { !$0.isNew && $0.occurrences == 2 && $0.firstSeenRunId == run1 })
            let stored = try #require(try store.list(kind: "AMOUNT_MISMATCH").first { $0.paymentId == "pay_1" })
            #expect(stored.firstSeenRunId == run1)
            #expect(stored.lastSeenRunId == run2)
            #expect(stored.occurrences == 2)
            #expect(stored.actualJSON == #"{"amount": 9800}"#)
            #expect(stored.detail == "paid 9800 for a 10000 package")
            #expect(try store.list(status: .open).count == 4)
            #expect(
                try store.openCounts() == [
                    OpenDiscrepancyCount(kind: "AMOUNT_MISMATCH", severity: "critical", count: 2),
                    OpenDiscrepancyCount(kind: "BALANCE_DRIFT", severity: "warning", count: 1),
                    OpenDiscrepancyCount(kind: "FIX_LIMIT_EXCEEDED", severity: "critical", count: 1),
                ])
        }
    }

    @Test("examined subjects not seen again close: fixed after a repair, else resolved by credit-reconciler")
    func closeGone() throws {
        try Self.withStore { store, nextRun in
            let run1 = try nextRun()
            let grant = DiscrepancyRecord(
                kind: "MISSED_GRANT", severity: "critical", paymentId: "pay_fixed", userId: "u")
            let drift = DiscrepancyRecord(kind: "BALANCE_DRIFT", severity: "warning", userId: "user_b")
            let limit = DiscrepancyRecord(kind: "FIX_LIMIT_EXCEEDED", severity: "critical")
            try store.record(
                [
                    Self.amountMismatch("pay_gone"), Self.amountMismatch("pay_stays"),
                    Self.amountMismatch("pay_unexamined"),
                    grant, drift, limit,
                ],
                runId: run1)

            let run2 = try nextRun()
            try store.connection.execute(
                """
                INSERT INTO reconciler.fix (run_id, kind, payment_id, credits, credit_transaction_id, user_id,
                                            balance_before, balance_after)
                VALUES ($1, 'MISSED_GRANT', 'pay_fixed', 100, 'rcn_test', 'u', 0, 100)
                """, [run2])
            try store.record([Self.amountMismatch("pay_stays")], runId: run2)
            let closed = try store.closeGone(
                runId: run2, examinedPaymentIds: ["pay_gone", "pay_stays", "pay_fixed", "pay_never_seen"],
                examinedUserIds: ["user_b", "u"])
            #expect(closed.map(\.paymentId) == ["pay_gone", "pay_fixed", nil])
            let byKind = Dictionary(uniqueKeysWithValues: closed.map { ($0.kind, $0) })
            #expect(byKind["MISSED_GRANT"]?.status == .fixed)
            #expect(byKind["AMOUNT_MISMATCH"]?.status == .resolved)
            #expect(byKind["AMOUNT_MISMATCH"]?.resolvedBy == "credit-reconciler")
            #expect(byKind["AMOUNT_MISMATCH"]?.resolutionNote == "no longer observed in run \(run2)")
            #expect(byKind["BALANCE_DRIFT"]?.status == .resolved)
            #expect(closed.allSatisfy { $0.closedRunId == run2 && $0.resolvedAt != nil })
            #expect(
                Set(try store.list(status: .open).map(\.subject)) == [
                    "payment:pay_stays", "payment:pay_unexamined", "run",
                ])
            #expect(
                try store.closeGone(runId: run2, examinedPaymentIds: [], examinedUserIds: [], runLevelExamined: true)
                    .map(\.kind) == ["FIX_LIMIT_EXCEEDED"])
            // Read a page of one at a time: the pages together are every one, once.
            var touched: [StoredDiscrepancy] = []
            while true {
                let page = try store.discrepancies(touchedByRun: run2, afterId: touched.last?.id ?? 0, limit: 1)
                if page.isEmpty { break }
                touched += page
            }
            #expect(touched.map(\.id) == touched.map(\.id).sorted())
            #expect(Set(touched.map(\.paymentId)) == ["pay_stays", "pay_gone", "pay_fixed", nil])

            // Seen again after closing: a new open discrepancy, a new first-seen run.
            let run3 = try nextRun()
            let reopened = try store.record([Self.amountMismatch("pay_gone")], runId: run3)
            #expect(reopened.first?.isNew == true)
            #expect(reopened.first?.firstSeenRunId == run3)
        }
    }

    @Test("resolve and ignore settle an open discrepancy once; a second attempt is refused and changes nothing")
    func resolveAndIgnore() throws {
        try Self.withStore { store, nextRun in
            let run = try nextRun()
            let recorded = try store.record([Self.amountMismatch("pay_1"), Self.amountMismatch("pay_2")], runId: run)
            let resolved = try store.resolve(id: recorded[0].id, note: "refunded by hand", by: "ops-kim")
            #expect(resolved.status == .resolved)
            #expect(resolved.resolvedBy == "ops-kim")
            #expect(resolved.resolutionNote == "refunded by hand")
            let ignored = try store.resolve(id: recorded[1].id, note: "test payment", by: "ops-lee", ignore: true)
            #expect(ignored.status == .ignored)

            let twice = #expect(throws: LedgerStoreError.self) {
                try store.resolve(id: recorded[0].id, note: "again", by: "someone")
            }
            let message = twice.map { "\($0)" } ?? ""
            #expect(message.contains("already resolved by ops-kim"))
            #expect(message.contains("nothing was changed"))
            #expect(try store.discrepancy(id: recorded[0].id)?.resolutionNote == "refunded by hand")
            #expect(throws: LedgerStoreError.resolution(.notFound(id: 999_999))) {
                try store.resolve(id: 999_999, note: "x", by: "y")
            }
            #expect(throws: LedgerStoreError.resolution(.emptyNote)) {
                try store.resolve(id: recorded[1].id, note: " ", by: "y")
            }
            #expect(try store.list(status: nil).count == 2)
            #expect(try store.list(status: .ignored).map(\.id) == [recorded[1].id])
            #expect(try store.openCounts().isEmpty)
        }
    }

    @Test("a finding with invalid JSON is refused with its kind, subject and field named")
    func invalidJSON() throws {
        try Self.withStore { store, nextRun in
            let run = try nextRun()
            var broken = Self.amountMismatch("pay_1")
            broken.actualJSON = #"{"amount": "#
            let error = #expect(throws: LedgerStoreError.self) {
                try store.record([Self.amountMismatch("pay_0"), broken], runId: run)
            }
            #expect(
                error?.message.contains("AMOUNT_MISMATCH finding for payment:pay_1 has invalid JSON in actual") == true)
            #expect(try store.list(status: nil).isEmpty)
        }
    }
}
