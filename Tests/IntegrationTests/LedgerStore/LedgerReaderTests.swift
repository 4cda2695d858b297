import Foundation
import LedgerStore
import Postgres
import ReconcilerCore
import TestSupport
import Testing

/// LedgerReader: ids as one text[] parameter, accounts, balance totals, the window's payments.
@Suite("Ledger reader")
struct LedgerReaderTests {
    /// Ids an attacker or a sloppy client could put in customData or a payment id.
    static let hostileIds = [
        "a\"b", "a,b", "{x}", "{", "}", "back\\slash", "\\\\", "NULL", "null", "", " spaced ", "결제_한국어_주문",
        "\"{,}\\\"", "tab\tid", "new\nline", "emoji😀", "'single'", "a b", "$1", "ARRAY[1]",
    ]

    static let instant = Date(timeIntervalSince1970: 1_790_000_000)

    @Test("a text[] parameter carries every hostile string and NULL exactly, both ways")
    func textArrayRoundTrip() throws {
        try TestDatabase.withFresh(schema: .empty) { database in
            let connection = try database.connect()
            let values: [String?] = Self.hostileIds + [nil, "after null"]
            let elements = try connection.query(
                "SELECT x FROM unnest($1::text[]) WITH ORDINALITY AS u (x, i) ORDER BY i",
                [TextArray(optionals: values)]
            ).map { try $0.decode("x", as: String?.self) }
            #expect(elements == values)
            let text: String = try #require(
                try connection.queryFirst("SELECT $1::text[]::text AS a", [TextArray(optionals: values)])
            ).decode("a")
            #expect(try TextArray.parse(text) == values)
            #expect(try TextArray.parse("{}") == [])
            #expect(TextArray([]).postgresText == "{}")
            #expect(
                TextArray(optionals: ["\"", "a\\\"b", nil, "", "결제"]).postgresText == #"{"\"","a\\\"b",NULL,"","결제"}"#)
            #expect(throws: LedgerStoreError.self) { try TextArray.parse("not an array") }
        }
    }

    @Test("entries(forPaymentIds:) matches hostile ids exactly; 10,000 ids in statements of 1000")
    func entriesHostile() throws {
        try TestDatabase.withFresh(schema: .migrated) { database in
            let connection = try database.connect()
            try AppSchema.insertUser(connection, id: "user_a")
            for (index, id) in Self.hostileIds.enumerated() {
                try AppSchema.insert(
                    LedgerEntry(
                        id: "ct_h\(index)", userId: "user_a", amount: 100, type: .purchase, paymentId: id,
                        createdAt: Self.instant),
                    into: connection)
            }
            // Decoys that a broken encoding would match: prefixes, unescaped forms.
            for (index, decoy) in ["a", "b", "x", "back", "slash", "NULL2", "spaced", "\"a\""].enumerated() {
                try AppSchema.insert(
                    LedgerEntry(
                        id: "ct_d\(index)", userId: "user_a", amount: 100, type: .purchase, paymentId: decoy,
                        createdAt: Self.instant),
                    into: connection)
            }
            try AppSchema.insert(
                LedgerEntry(
                    id: "ct_h0_refund", userId: "user_a", amount: -100, type: .refund, paymentId: Self.hostileIds[0],
                    createdAt: Self.instant.addingTimeInterval(1)),
                into: connection)
            let reader = LedgerReader(connection: connection)
            let found = try reader.entries(forPaymentIds: Self.hostileIds + ["missing", Self.hostileIds[0]])
            #expect(Set(found.keys) == Set(Self.hostileIds))
            for id in Self.hostileIds {
                #expect(found[id]?.allSatisfy { $0.paymentId == id } == true, "\(id)")
            }
            #expect(found[Self.hostileIds[0]]?.map(\.type) == [.purchase, .refund])
            #expect(reader.rowsRead == Self.hostileIds.count + 1)
            #expect(try reader.entries(forPaymentIds: []).isEmpty)

            try connection.copyIn(
                table: "CreditTransaction", columns: ["id", "userId", "amount", "type", "paymentId", "createdAt"]
            ) { (writer) throws(PostgresError) in
                for n in 0..<10_000 {
                    try writer.writeRow("ct_bulk_\(n)", "user_a", Int64(100), "PURCHASE", "pay_\(n)", Self.instant)
                }
            }
            let many = (0..<10_000).map { "pay_\($0)" }
            let bulk = try reader.entries(forPaymentIds: many + Self.hostileIds)
            #expect(bulk.count == 10_000 + Self.hostileIds.count)
            #expect(bulk["pay_9999"]?.first?.id == "ct_bulk_9999")
        }
    }

    @Test("accounts(userIds:) reads email and balance; nil balance without a Credit row; unknown users absent")
    func accounts() throws {
        try TestDatabase.withFresh(schema: .migrated) { database in
            let connection = try database.connect()
            try AppSchema.insertUser(connection, id: "user_rich", email: "rich@example.com", balance: 1300)
            try AppSchema.insertUser(connection, id: "user_new", email: "new@example.com", balance: nil)
            try AppSchema.insertUser(connection, id: "사용자,\"1\"", email: "kr@example.com", balance: 0)
            let accounts = try LedgerReader(connection: connection).accounts(
                userIds: ["user_rich", "user_new", "사용자,\"1\"", "user_ghost"])
            #expect(accounts.count == 3)
            #expect(accounts["user_rich"] == UserAccount(id: "user_rich", email: "rich@example.com", balance: 1300))
            #expect(accounts["user_new"] == UserAccount(id: "user_new", email: "new@example.com", balance: nil))
            #expect(accounts["사용자,\"1\""]?.balance == 0)
            #expect(accounts["user_ghost"] == nil)
        }
    }

    @Test("balanceTotals(userIds:) sets Credit.balance against the sum of the user's rows")
    func balanceTotals() throws {
        try TestDatabase.withFresh(schema: .migrated) { database in
            let connection = try database.connect()
            try AppSchema.insertUser(connection, id: "user_ok", balance: 90)
            try AppSchema.insertUser(connection, id: "user_drift", balance: 500)
            try AppSchema.insertUser(connection, id: "user_nocredit", balance: nil)
            try AppSchema.insertUser(connection, id: "user_empty", balance: 0)
            let rows: [(String, Int64, CreditTransactionType)] = [
                ("user_ok", 100, .purchase), ("user_ok", -10, .usage), ("user_drift", 330, .purchase),
                ("user_nocredit", 100, .purchase),
            ]
            for (index, (user, amount, type)) in rows.enumerated() {
                try AppSchema.insert(
                    LedgerEntry(id: "ct_\(index)", userId: user, amount: amount, type: type, createdAt: Self.instant),
                    into: connection)
            }
            let totals = try LedgerReader(connection: connection).balanceTotals(
                userIds: ["user_ok", "user_drift", "user_nocredit", "user_empty", "user_ghost", "user_ok"])
            #expect(totals.count == 5)
            #expect(totals["user_ok"]?.drift == 0)
            #expect(totals["user_ok"]?.transactionCount == 2)
            #expect(totals["user_drift"]?.drift == 170)
            #expect(totals["user_nocredit"]?.balance == nil)
            #expect(totals["user_nocredit"]?.transactionSum == 100)
            #expect(totals["user_empty"]?.transactionCount == 0)
            #expect(totals["user_ghost"]?.userExists == false)
        }
    }

    @Test("paymentIds(createdFrom:until:) pages through the window by keyset, each payment once")
    func windowPaymentIds() throws {
        try TestDatabase.withFresh(schema: .migrated) { database in
            let connection = try database.connect()
            try AppSchema.insertUser(connection, id: "user_a")
            let from = Self.instant
            let until = from.addingTimeInterval(3600)
            // (id, type, paymentId, seconds after `from`)
            let rows: [(String, CreditTransactionType, String?, Double)] = [
                ("ct_before", .purchase, "pay_before", -0.001), ("ct_at_from", .purchase, "pay_from", 0),
                ("ct_tie_1", .purchase, "pay_tie_1", 60), ("ct_tie_2", .purchase, "pay_tie_2", 60),
                ("ct_tie_3", .purchase, "pay_tie_3", 60), ("ct_refund", .refund, "pay_from", 120),
                ("ct_usage", .usage, nil, 130), ("ct_bonus", .bonus, "pay_bonus", 140),
                ("ct_last", .refund, "pay_last", 3599.999), ("ct_at_until", .purchase, "pay_until", 3600),
            ]
            for (id, type, paymentId, offset) in rows {
                try AppSchema.insert(
                    LedgerEntry(
                        id: id, userId: "user_a", amount: type == .purchase ? 100 : -100, type: type,
                        paymentId: paymentId, createdAt: from.addingTimeInterval(offset)),
                    into: connection)
            }
            let reader = LedgerReader(connection: connection)
            var pages: [[String]] = []
            let scan = try reader.paymentIds(createdFrom: from, until: until, pageSize: 2) { pages.append($0) }
            #expect(pages.flatMap { $0 } == ["pay_from", "pay_tie_1", "pay_tie_2", "pay_tie_3", "pay_last"])
            #expect(scan == LedgerWindowScan(rows: 6, paymentIds: 5, pages: 3))
            #expect(try reader.paymentIds(createdFrom: from, until: until).count == 5)
            #expect(try reader.paymentIds(createdFrom: until, until: until).isEmpty)
        }
    }

    /// Plans of every reader query, as the server ran them with the reader's own parameters
    /// (auto_explain reports each plan as a NOTICE on the same connection).
    @Test("no reader query scans \"CreditTransaction\" sequentially on a 200,000-row ledger")
    func plansUseIndexes() throws {
        try TestDatabase.withFresh(schema: .migrated) { database in
            let connection = try database.connect()
            let fixture = LedgerFixture(users: 20_000, payments: 60_000, rows: 200_000, end: Self.instant)
            try fixture.load(into: connection)
            try connection.sendPlansAsNotices()
            let reader = LedgerReader(connection: connection)
            let cases: [(String, () throws -> Int)] = [
                (
                    "entries, 1000 payments",
                    {
                        try reader.entries(forPaymentIds: (0..<1000).map { LedgerFixture.paymentId($0 * 37) }).count
                    }
                ),
                (
                    "entries, 10000 payments (statements of 1000 ids)",
                    {
                        try reader.entries(forPaymentIds: (0..<10_000).map { LedgerFixture.paymentId($0 * 5) }).count
                    }
                ),
                (
                    "accounts, 1000 users",
                    {
                        try reader.accounts(userIds: (0..<1000).map { LedgerFixture.userId($0 * 7) }).count
                    }
                ),
                (
                    "balance totals, 1000 users",
                    {
                        try reader.balanceTotals(userIds: (0..<1000).map { LedgerFixture.userId($0 * 7) }).count
                    }
                ),
                (
                    "window, 1 day",
                    {
                        try reader.paymentIds(
                            createdFrom: Self.instant.addingTimeInterval(-86_400 * 2),
                            until: Self.instant.addingTimeInterval(-86_400)
                        ).count
                    }
                ),
            ]
            for (name, run) in cases {
                _ = connection.drainNotices()
                let count = try run()
                #expect(count > 0, "\(name) found nothing")
                let plans = connection.drainNotices().map(\.message).filter { $0.contains("plan:") }
                #expect(!plans.isEmpty, "\(name): no plan reported")
                for plan in plans {
                    // Scan nodes only: the plan's filter lines quote the whole id array.
                    let nodes = plan.split(separator: "\n").filter { $0.contains("Scan") && !$0.contains("Filter") }
                        .map { $0.trimmingCharacters(in: .whitespaces).prefix(120) }
                    #expect(!nodes.isEmpty, "\(name): no scan node")
                    #expect(!nodes.contains { $0.contains("Seq Scan on \"CreditTransaction\"") }, "\(name): \(nodes)")
                    print("plan \(name): \(nodes.joined(separator: " | "))")
                }
            }
        }
    }
}
