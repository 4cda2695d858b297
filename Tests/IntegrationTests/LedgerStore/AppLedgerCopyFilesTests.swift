import Foundation
import LedgerStore
import Postgres
import ReconcilerCore
import TestSupport
import Testing

/// Loading a ledger from COPY text files (the simulator's --ledger-out) for the demo.
@Suite("Ledger COPY files")
struct AppLedgerCopyFilesTests {
    static func writeLedger(transactions: String) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ledger-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try
            "user_a\ta@example.com\t김\\t민수\t2026-11-24 15:00:00.123\nuser_b\tb@example.com\t\\N\t2026-11-24 15:00:01.000\n"
            .write(to: directory.appendingPathComponent("User.copy"), atomically: true, encoding: .utf8)
        try
            "cr_a\tuser_a\t70\t2026-11-24 15:00:00.123\t2026-11-24 16:00:00.000\ncr_b\tuser_b\t0\t2026-11-24 15:00:01\t2026-11-24 15:00:01\n"
            .write(to: directory.appendingPathComponent("Credit.copy"), atomically: true, encoding: .utf8)
        try transactions.write(
            to: directory.appendingPathComponent("CreditTransaction.copy"), atomically: true, encoding: .utf8)
        return directory
    }

    @Test("loads users, credits and transactions, decoding as LedgerEntry")
    func loads() throws {
        let directory = try Self.writeLedger(
            transactions: "ct_1\tuser_a\t100\tPURCHASE\t스타터 구매\\n(웹훅)\tpay_1\t2026-11-24 15:00:00.500\n"
                + "ct_2\tuser_a\t-30\tUSAGE\t\\N\t\\N\t2026-11-24 15:10:00.000\n")
        defer { try? FileManager.default.removeItem(at: directory) }
        try TestDatabase.withFresh(schema: .app) { database in
            let connection = try database.connect()
            let counts = try AppLedgerCopyFiles.load(from: directory, into: connection)
            #expect(counts == ["User": 2, "Credit": 2, "CreditTransaction": 2])
            let entries = try connection.query(
                #"SELECT \#(LedgerEntry.selectColumns) FROM "CreditTransaction" ORDER BY id"#
            )
            .map(LedgerEntry.init(row:))
            #expect(
                entries == [
                    LedgerEntry(
                        id: "ct_1", userId: "user_a", amount: 100, type: .purchase, description: "스타터 구매\n(웹훅)",
                        paymentId: "pay_1", createdAt: Date(timeIntervalSince1970: 1_795_532_400.5)),
                    LedgerEntry(
                        id: "ct_2", userId: "user_a", amount: -30, type: .usage, description: nil, paymentId: nil,
                        createdAt: Date(timeIntervalSince1970: 1_795_533_000)),
                ])
            let name = try connection.queryFirst(#"SELECT name FROM "User" WHERE id = 'user_a'"#)
            #expect(try name?.decode("name", as: String?.self) == "김\t민수")
        }
    }

    @Test("a bad file loads nothing at all")
    func atomic() throws {
        let directory = try Self.writeLedger(
            transactions: "ct_1\tuser_a\t100\tNOT_A_TYPE\t\\N\tpay_1\t2026-11-24 15:00:00\n")
        defer { try? FileManager.default.removeItem(at: directory) }
        try TestDatabase.withFresh(schema: .app) { database in
            let connection = try database.connect()
            let error = #expect(throws: LedgerStoreError.self) {
                try AppLedgerCopyFiles.load(from: directory, into: connection)
            }
            #expect(error?.postgresError?.sqlState == "22P02")
            #expect(try connection.queryFirst(#"SELECT count(*) AS n FROM "User""#)?.decode("n", as: Int.self) == 0)
        }
    }

    @Test("a missing file is named")
    func missingFile() throws {
        let directory = try Self.writeLedger(transactions: "")
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.removeItem(at: directory.appendingPathComponent("Credit.copy"))
        try TestDatabase.withFresh(schema: .app) { database in
            let connection = try database.connect()
            let error = #expect(throws: LedgerStoreError.self) {
                try AppLedgerCopyFiles.load(from: directory, into: connection)
            }
            #expect(error?.message.contains("Credit.copy") == true)
        }
    }
}
