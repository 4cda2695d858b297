import Foundation
import LedgerStore
import Postgres
import ReconcilerCore
import TestSupport
import Testing

/// `RepairQueue`: the repairs a run queues wait in `reconciler.run_repair` and come back in the
/// order they are applied, page by page, whatever page size.
@Suite("Repair queue")
struct RepairQueueTests {
    static func withQueue(_ body: (RepairQueue, Connection, Int64) throws -> Void) throws {
        try TestDatabase.withFresh(schema: .migrated) { database in
            let connection = try database.connect()
            defer { connection.close() }
            try AppSchema.insertUser(connection, id: "user_a", balance: 0)
            let run = try RunRecorder(connection: try database.connect()).begin(
                RunStart(trigger: .manual, mode: .apply, windowFrom: nil, windowUntil: nil, version: "test"))
            let queue = RepairQueue(connection: connection, runId: run.runId)
            try queue.begin()
            try body(queue, connection, run.runId)
        }
    }

    /// Items queued out of order: grants and deductions mixed, ids whose byte order differs from
    /// a locale's ("B" < "a" in bytes), non-ASCII ids and a payment queued twice.
    static let queued: [RepairQueue.Item] = [
        .init(hasGrant: false, paymentId: "pay_c", userId: "u", unit: "1"),
        .init(hasGrant: true, paymentId: "pay_b", userId: "u", unit: "2"),
        .init(hasGrant: true, paymentId: "pay_B", userId: "u", unit: "3"),
        .init(hasGrant: false, paymentId: "pay_a", userId: "u", unit: "4"),
        .init(hasGrant: true, paymentId: "결제_1", userId: "u", unit: "5"),
        .init(hasGrant: true, paymentId: "pay_b", userId: "u", unit: "6"),
        .init(hasGrant: false, paymentId: "pay_A", userId: "u", unit: "{\"x\":\"'\\\\\"}"),
    ]

    /// What the engine sorted in memory before: by (payment id, queue position), grants first.
    static func expectedOrder(grantsFirst: Bool) -> [String] {
        let sorted = queued.enumerated().sorted {
            ($0.element.paymentId, $0.offset) < ($1.element.paymentId, $1.offset)
        }
        .map(\.element)
        guard grantsFirst else { return sorted.map(\.unit) }
        return (sorted.filter(\.hasGrant) + sorted.filter { !$0.hasGrant }).map(\.unit)
    }

    @Test(arguments: [1, 2, 3, 7, 100], [true, false])
    func itemsComeBackInApplyOrderAcrossPages(pageSize: Int, grantsFirst: Bool) throws {
        try Self.withQueue { queue, _, _ in
            try queue.append(Array(Self.queued.prefix(3)))
            try queue.append(Array(Self.queued.dropFirst(3)))
            #expect(queue.count == Self.queued.count)
            var units: [String] = []
            var position: RepairQueue.Position?
            var reads = 0
            while true {
                let (items, next) = try queue.read(after: position, limit: pageSize, grantsFirst: grantsFirst)
                reads += 1
                if items.isEmpty { break }
                #expect(items.count <= pageSize)
                units += items.map(\.unit)
                position = next
            }
            #expect(units == Self.expectedOrder(grantsFirst: grantsFirst))
            #expect(reads == (Self.queued.count + pageSize - 1) / pageSize + 1, "pages, then one empty read")
        }
    }

    @Test func aRunStartingEmptiesWhatEarlierRunsLeftAndEndingEmptiesItsOwn() throws {
        try Self.withQueue { queue, connection, runId in
            func rows() throws -> [Int64] {
                try connection.query("SELECT run_id FROM reconciler.run_repair ORDER BY run_id").map {
                    try $0.decode("run_id")
                }
            }
            try queue.append(Array(Self.queued.prefix(2)))
            // A killed run's rows, under another run id.
            try connection.execute(
                "INSERT INTO reconciler.run_repair (run_id, seq, phase, payment_id, user_id, unit) VALUES ($1, 0, 0, 'p', 'u', '{}')",
                [runId + 1])
            let next = RepairQueue(connection: connection, runId: runId + 1)
            #expect(try next.read(after: nil, limit: 10).items.map(\.paymentId) == ["p"])
            try queue.begin()
            #expect(try rows() == [runId, runId])
            try queue.end()
            #expect(try rows().isEmpty)
        }
    }

    @Test func fixesComeBackWithTheTextAttachedToTheirPayment() throws {
        try Self.withQueue { queue, connection, runId in
            try queue.append([
                .init(hasGrant: true, paymentId: "pay_1", userId: "user_a", unit: "{}"),
                .init(hasGrant: true, paymentId: "pay_2", userId: "user_a", unit: "{\"u\":2}"),
                .init(hasGrant: true, paymentId: "pay_4", userId: "user_a", unit: "{}", report: "{\"r\":4}"),
            ])
            let writer = RepairWriter(connection: connection, runId: runId)
            var written: [AppliedFix] = []
            for (paymentId, credits) in [("pay_1", 100), ("pay_2", 250), ("pay_3", 30)] {
                let outcome = try writer.apply(userId: "user_a", paymentId: paymentId) { _ in
                    [.grant(userId: "user_a", paymentId: paymentId, credits: Int64(credits), description: "test")]
                }
                written += outcome.fixes
            }
            try queue.attach([(paymentId: "pay_1", report: "{\"r\":1}")])
            #expect(written.count == 3)

            var read: [RepairQueue.WrittenFix] = []
            var after: Int64 = 0
            while true {
                let page = try queue.fixes(afterFixId: after, limit: 2)
                guard let last = page.last else { break }
                read += page
                after = last.fix.fixId
            }
            // The report's reading takes the fix row's time, not the ledger row's; every other field is the same.
            func withoutTime(_ fixes: [AppliedFix]) -> [AppliedFix] {
                fixes.map {
                    var fix = $0
                    fix.createdAt = .distantPast
                    return fix
                }
            }
            #expect(withoutTime(read.map(\.fix)) == withoutTime(written))
            for (fix, original) in zip(read.map(\.fix), written) {
                #expect(abs(fix.createdAt.timeIntervalSince(original.createdAt)) < 5)
            }
            #expect(read.map(\.report) == ["{\"r\":1}", nil, nil])
            #expect(
                try RepairQueue.allFixes(on: connection, runId: runId) == written,
                "every field, the ledger row's time too")
            #expect(try RepairQueue.allFixes(on: connection, runId: runId + 1).isEmpty)

            #expect(
                try queue.reports(paymentIds: ["pay_1", "pay_2", "pay_3", "pay_4"])
                    == ["pay_1": "{\"r\":1}", "pay_4": "{\"r\":4}"])
            #expect(try queue.read(after: nil, limit: 10).items.map(\.report) == ["{\"r\":1}", nil, "{\"r\":4}"])
        }
    }

    /// The queue's statements on a queue of 100,000 payments (a run of millions of payments with
    /// a few percent to repair): every one reads by index, and the reads in apply order and in
    /// payment order are not sorted again, so each page costs its own rows, not the queue's.
    @Test func everyStatementReadsTheQueueByIndex() throws {
        try TestDatabase.withFresh(schema: .migrated) { database in
            let admin = try database.connect()
            defer { admin.close() }
            let run = try RunRecorder(connection: admin).begin(
                RunStart(trigger: .manual, mode: .apply, windowFrom: nil, windowUntil: nil, version: "test"))
            try admin.execute(
                """
                INSERT INTO reconciler.run_repair (run_id, seq, phase, payment_id, user_id, unit, report)
                SELECT $1, g, g % 2, 'pay-' || md5(g::text), 'user-' || (g % 5000), '{"repairs":[]}', '{}'
                FROM generate_series(1, 100000) g
                """, [run.runId])
            try admin.execute(
                """
                INSERT INTO reconciler.fix (run_id, kind, payment_id, credits, credit_transaction_id, user_id,
                                            balance_before, balance_after)
                SELECT $1, 'MISSED_GRANT', 'pay-' || md5(g::text), 100, 'rcn-' || g, 'user-1', 0, 100
                FROM generate_series(1, 3000) g
                """, [run.runId])
            try admin.executeScript("VACUUM ANALYZE reconciler.run_repair")
            try admin.executeScript("VACUUM ANALYZE reconciler.fix")

            let connection = try database.connect()
            defer { connection.close() }
            try connection.sendPlansAsNotices()
            let queue = RepairQueue(connection: connection, runId: run.runId)
            for grantsFirst in [true, false] {
                let first = try queue.read(after: nil, limit: 1_000, grantsFirst: grantsFirst)
                #expect(first.items.count == 1_000)
                #expect(try queue.read(after: first.next, limit: 1_000, grantsFirst: grantsFirst).items.count == 1_000)
            }
            let ids: [String] = try admin.query("SELECT 'pay-' || md5(g::text) AS id FROM generate_series(1, 500) g")
                .map { try $0.decode("id") }
            try queue.attach(ids.prefix(100).map { (paymentId: $0, report: "{\"r\":1}") })
            #expect(try queue.reports(paymentIds: ids).count == 500)
            #expect(try queue.fixes(afterFixId: 0, limit: 2_000).count == 2_000)

            let plans = connection.drainNotices().map(\.message).filter { $0.contains("run_repair") }
            #expect(plans.count == 7, "auto_explain sent \(plans.count) plans")
            for plan in plans {
                #expect(!plan.contains("Seq Scan on run_repair"), "\(plan)")
            }
            for plan in plans where plan.contains("LIMIT") && !plan.contains("reconciler.fix") {
                #expect(!plan.contains("Sort"), "a page of the queue sorted the queue: \(plan)")
            }
        }
    }
}
