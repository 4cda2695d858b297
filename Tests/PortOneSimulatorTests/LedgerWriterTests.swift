import Foundation
import Testing

@testable import PortOneSimulator

@Suite struct LedgerWriterTests {
    @Test(arguments: [
        (Int64(100), Int64(10000), Int64(10000), Int64(100)),
        (100, 5000, 10000, 50),
        (330, 10000, 30000, 110),
        (330, 100, 30000, 2),
        (600, 1, 50000, 1),
        (1300, 0, 100000, 0),
        (100, 20000, 10000, 100),
    ])
    func deductionRoundsUpAndCaps(credits: Int64, cancelled: Int64, total: Int64, expected: Int64) {
        #expect(OracleRules.deduction(credits: credits, cancelled: cancelled, total: total) == expected)
    }

    @Test(arguments: [("plain", "plain"), ("a\tb\nc\\d\re", "a\\tb\\nc\\\\d\\re")])
    func copyFieldsAreEscaped(value: String, expected: String) {
        #expect(LedgerWriter.copyField(value) == expected)
        #expect(LedgerWriter.copyField(nil) == "\\N")
    }

    static func build(_ ledger: LedgerOptions, count: Int = 3000) -> (
        [OracleFacts], ([GeneratedUser], [LedgerWriter.Row], [String: (Int64, Int64, Int64)], [LedgerWriter.Mistake])
    ) {
        let generator = DataSetGenerator(
            options: GeneratorOptions(count: count, seed: 5, until: Timestamp.parse("2026-11-25T00:00:00Z")!))
        let facts = (0..<count).map { OracleFacts(generator.payment(at: $0)) }
        let writer = LedgerWriter(options: ledger, seed: 5, knownUsers: generator.users)
        return (facts, writer.build(facts: facts))
    }

    @Test func injectedMistakesMatchTheRows() {
        var options = LedgerOptions()
        options.lostGrantRate = 0.05
        options.duplicateGrantRate = 0.02
        options.wrongCreditsRate = 0.02
        options.phantomGrantRate = 0.01
        options.balanceDriftRate = 0.05
        options.deletedUserRate = 0.02
        let (facts, (users, rows, balances, mistakes)) = Self.build(options)
        let kinds = Set(mistakes.map(\.kind))
        for kind in [
            "MISSED_GRANT", "MISSED_REFUND", "DUPLICATE_GRANT", "CREDIT_MISMATCH", "GRANT_WITHOUT_PAYMENT",
            "ORPHAN_GRANT", "BALANCE_DRIFT", "AMOUNT_MISMATCH", "UNKNOWN_USER",
        ] {
            #expect(kinds.contains(kind), "no \(kind)")
        }
        var purchases: [String: Int] = [:]
        for row in rows where row.type == .purchase { purchases[row.paymentId!, default: 0] += 1 }
        for m in mistakes where m.kind == "MISSED_GRANT" { #expect(purchases[m.paymentId!] == nil) }
        for m in mistakes where m.kind == "DUPLICATE_GRANT" { #expect(purchases[m.paymentId!] == 2) }
        let known = Set(facts.map(\.id))
        for m in mistakes where m.kind == "ORPHAN_GRANT" { #expect(!known.contains(m.paymentId!)) }
        #expect(!rows.contains { $0.type == .refund }, "default: the app never deducts refunds")
        var sums: [String: Int64] = [:]
        for row in rows { sums[row.userId, default: 0] += row.amount }
        let drifted = Set(mistakes.filter { $0.kind == "BALANCE_DRIFT" }.map { $0.userId! })
        for user in users {
            let balance = balances[user.id]?.0 ?? 0
            #expect((balance != (sums[user.id] ?? 0)) == drifted.contains(user.id), "\(user.id)")
        }
        #expect(Set(users.map(\.email)).count == users.count)
        let userIds = Set(users.map(\.id))
        for m in mistakes where m.kind == "UNKNOWN_USER" { #expect(!userIds.contains(m.userId!)) }
        #expect(rows.allSatisfy { userIds.contains($0.userId) })
        #expect(rows.contains { $0.type == .usage })
    }

    @Test func appThatDeductsWritesRefundRowsSummingToTheDeduction() {
        var options = LedgerOptions()
        options.missedRefundRate = 0
        options.lostGrantRate = 0
        let (facts, (_, rows, _, mistakes)) = Self.build(options)
        #expect(!mistakes.contains { $0.kind == "MISSED_REFUND" })
        var refunded: [String: Int64] = [:]
        for row in rows where row.type == .refund { refunded[row.paymentId!, default: 0] += row.amount }
        #expect(!refunded.isEmpty)
        for fact in facts where refunded[fact.id] != nil {
            let cancelled = fact.refunds.reduce(Int64(0)) { $0 + $1.amount }
            #expect(
                -refunded[fact.id]!
                    == OracleRules.deduction(credits: fact.package!.credits, cancelled: cancelled, total: fact.total))
        }
    }

    @Test func sameSeedSameLedgerFiles() throws {
        let generator = DataSetGenerator(
            options: GeneratorOptions(count: 500, seed: 12, until: Timestamp.parse("2026-11-25T00:00:00Z")!))
        let facts = (0..<500).map { OracleFacts(generator.payment(at: $0)) }
        var files: [[Data]] = []
        for _ in 0..<2 {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ledger-\(UUID().uuidString)")
                .path
            defer { try? FileManager.default.removeItem(atPath: directory) }
            try LedgerWriter(options: LedgerOptions(), seed: 12, knownUsers: generator.users).write(
                facts: facts, to: directory)
            files.append(
                try ["User.copy", "Credit.copy", "CreditTransaction.copy", "expected.json"].map {
                    try Data(contentsOf: URL(fileURLWithPath: directory + "/" + $0))
                })
        }
        #expect(files[0] == files[1])
        #expect(files[0].allSatisfy { !$0.isEmpty })
    }

    @Test func writesCopyFilesAndExpectedJSON() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ledger-\(UUID().uuidString)")
            .path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let generator = DataSetGenerator(options: GeneratorOptions(count: 300, seed: 2))
        let facts = (0..<300).map { OracleFacts(generator.payment(at: $0)) }
        try LedgerWriter(options: LedgerOptions(), seed: 2, knownUsers: generator.users).write(
            facts: facts, to: directory)
        let transactions = try String(contentsOfFile: directory + "/CreditTransaction.copy", encoding: .utf8)
        for line in transactions.split(separator: "\n") {
            #expect(line.split(separator: "\t", omittingEmptySubsequences: false).count == 7)
        }
        let credits = try String(contentsOfFile: directory + "/Credit.copy", encoding: .utf8)
        for line in credits.split(separator: "\n") { #expect(line.split(separator: "\t").count == 5) }
        let expected =
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory + "/expected.json")))
            as? [String: Any]
        #expect(expected?["mistakes"] is [Any])
    }
}
