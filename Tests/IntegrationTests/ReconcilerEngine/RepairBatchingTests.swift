import Foundation
import LedgerStore
import ReconcilerCore
import Reports
import Testing

@testable import ReconcilerEngine

/// The pure parts of the repair queue: how queued units are cut into batches, and how a unit
/// is written to and read back from `reconciler.run_repair` (no I/O).
@Suite struct RepairBatchingTests {
    static func unit(_ paymentId: String) -> PendingUnit {
        PendingUnit(paymentId: paymentId, userId: "user_1", repairs: [], discrepancies: [])
    }

    static func cut(_ ids: [String], size: Int) -> [[String]] {
        var source = ids.map(unit).makeIterator()
        var cutter = BatchCutter(size: size)
        var batches: [[String]] = []
        while let batch = cutter.next({ source.next() }) { batches.append(batch.map(\.paymentId)) }
        return batches
    }

    struct Row: Sendable, CustomTestStringConvertible {
        var name: String
        var ids: [String]
        var size: Int
        var sizes: [Int]
        var testDescription: String { name }
    }

    static let rows: [Row] = [
        Row(name: "nothing queued", ids: [], size: 200, sizes: []),
        Row(name: "one unit", ids: ["a"], size: 200, sizes: [1]),
        Row(name: "the ramp", ids: (0..<20).map { "p\($0)" }, size: 200, sizes: [1, 2, 4, 8, 5]),
        Row(
            name: "the ramp stops at the batch size", ids: (0..<20).map { "p\($0)" }, size: 4,
            sizes: [1, 2, 4, 4, 4, 4, 1]),
        Row(name: "size 0 means one at a time", ids: ["a", "b", "c"], size: 0, sizes: [1, 1, 1]),
        Row(
            name: "a payment twice ends the batch early", ids: ["a", "b", "c", "d", "d", "e", "f", "g", "h"], size: 200,
            sizes: [1, 2, 1, 5]),
        Row(
            name: "a payment twice across batches", ids: ["a", "b", "c", "c", "d", "e", "f"], size: 200,
            sizes: [1, 2, 4]),
        Row(name: "the same payment in a row", ids: ["a", "a", "a"], size: 200, sizes: [1, 1, 1]),
    ]

    @Test(arguments: rows)
    func batches(_ row: Row) {
        let batches = Self.cut(row.ids, size: row.size)
        #expect(batches.map(\.count) == row.sizes)
        #expect(batches.flatMap { $0 } == row.ids, "every unit once, in queue order")
        for batch in batches { #expect(Set(batch).count == batch.count, "a payment at most once per batch") }
    }

    static let package = RunReport.Package(id: "pro", name: "프로 \"팩\"", credits: 330, price: 30_000)

    static let units: [(String, PendingUnit)] = [
        ("bare", unit("pay_1")),
        (
            "everything",
            PendingUnit(
                paymentId: "pay_2", userId: "user_2",
                repairs: [
                    Repair(
                        kind: .missedGrant, paymentId: "pay_2", userId: "user_2", packageId: "pro", credits: 330,
                        ledgerAmount: 330, cancellationId: nil, description: "grant \"pro\"\n결제",
                        isAutoApplicable: true),
                    Repair(
                        kind: .missedRefund, paymentId: "pay_2", userId: "user_2", packageId: "pro", credits: 330,
                        ledgerAmount: -330, cancellationId: "cancel_1", description: "refund", isAutoApplicable: false),
                ],
                discrepancies: [
                    DiscrepancyRecord(
                        kind: "AMOUNT_MISMATCH", severity: "critical", paymentId: "pay_2", userId: "user_2",
                        expectedJSON: #"{"amount":30000}"#, actualJSON: #"{"amount":1}"#,
                        evidenceJSON: #"{"id":"pay_2"}"#, detail: "a \\ b"),
                    DiscrepancyRecord(kind: "FIX_LIMIT_EXCEEDED", severity: "critical"),
                ],
                payment: RunReport.Payment(
                    status: "PARTIAL_CANCELLED", currency: "KRW", totalAmount: 30_000, cancelledAmount: 10_000,
                    orderName: "프로", paidAt: Date(timeIntervalSince1970: 1_790_000_000.5),
                    cancelledAt: Date(timeIntervalSince1970: 1_790_000_100), statusChangedAt: nil, package: package),
                email: "a@example.kr", paidDay: 20_700, gap: ReportTally.Gap(key: "REFUND_SHORTFALL", credits: -12))
        ),
    ]

    @Test(arguments: units.map(\.0))
    func unitsReadBackAsTheyWereQueued(name: String) throws {
        let unit = try #require(Self.units.first { $0.0 == name }?.1)
        let item = unit.queueItem
        #expect(item.hasGrant == unit.repairs.contains { $0.kind == .missedGrant })
        let back = try PendingUnit(item)
        #expect(back.paymentId == unit.paymentId && back.userId == unit.userId)
        #expect(back.repairs == unit.repairs)
        #expect(back.discrepancies == unit.discrepancies)
        #expect(back.payment == unit.payment)
        #expect(back.email == unit.email && back.paidDay == unit.paidDay && back.gap == unit.gap)
    }

    static let unreadable: [(unit: String, report: String?)] = [
        ("", nil), ("[]", nil), (#"{"repairs":[{"kind":"MISSED_GRANT"}],"discrepancies":[]}"#, nil),
        (#"{"repairs":[],"discrepancies":[{"kind":"X"}]}"#, nil),
        (#"{"repairs":[],"discrepancies":[]}"#, #"{"payment":{"status":1}}"#),
        (#"{"repairs":[],"discrepancies":[]}"#, "{"),
    ]

    @Test(arguments: unreadable.indices)
    func anUnreadableUnitIsAnErrorNamingThePayment(index: Int) {
        let (unit, report) = Self.unreadable[index]
        let item = RepairQueue.Item(hasGrant: true, paymentId: "pay_9", userId: "u", unit: unit, report: report)
        #expect(throws: LedgerStoreError.self) { try PendingUnit(item) }
        do {
            _ = try PendingUnit(item)
        } catch {
            #expect("\(error)".contains("pay_9") && "\(error)".contains("run again"))
        }
    }
}
