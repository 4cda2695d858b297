import Foundation
import LedgerStore
import Postgres
import ReconcilerCore
import TestSupport
import Testing

/// RepairWriter: one transaction per repair unit, decided on fresh data under the row lock.
@Suite("Repair writer")
struct RepairWriterTests {
    /// A migrated database with a run, and what the tests look at afterwards.
    struct Fixture {
        let database: TestDatabase
        let admin: Connection
        let runId: Int64

        func writer() throws -> RepairWriter {
            RepairWriter(connection: try database.connect(), runId: runId)
        }

        func balance(_ userId: String) throws -> Int64? {
            try admin.queryFirst(#"SELECT balance FROM "Credit" WHERE "userId" = $1"#, [userId])?.decode("balance")
        }

        func ledger(_ paymentId: String) throws -> [LedgerEntry] {
            try LedgerReader(connection: admin).entries(forPaymentIds: [paymentId])[paymentId] ?? []
        }

        func fixCount() throws -> Int64 {
            try admin.queryFirst("SELECT count(*) AS n FROM reconciler.fix")!.decode("n")
        }
    }

    static func withFixture(_ body: (Fixture) throws -> Void) throws {
        try TestDatabase.withFresh(schema: .migrated) { database in
            let admin = try database.connect()
            try AppSchema.insertUser(admin, id: "user_a", balance: 50)
            try AppSchema.insertUser(admin, id: "user_nocredit", balance: nil)
            let run = try RunRecorder(connection: try database.connect()).begin(
                RunStart(trigger: .manual, mode: .apply, windowFrom: nil, windowUntil: nil, version: "test"))
            try body(Fixture(database: database, admin: admin, runId: run.runId))
        }
    }

    /// The engine's decision in miniature: grant `credits` unless a PURCHASE exists.
    static func grantIfMissing(_ credits: Int64) -> (RepairSnapshot) -> [LedgerWrite] {
        { snapshot in
            guard snapshot.lockedBalance != nil, !snapshot.freshLedger.contains(where: { $0.type == .purchase }) else {
                return []
            }
            return [
                .grant(
                    userId: snapshot.userId, paymentId: snapshot.paymentId, credits: credits,
                    description: "프로 (reconciled)")
            ]
        }
    }

    @Test("a grant writes the ledger row, the balance and the fix row together; rerunning it writes nothing")
    func grantThenIdempotentRerun() throws {
        try Self.withFixture { fixture in
            let writer = try fixture.writer()
            let before = Date()
            let outcome = try writer.apply(userId: "user_a", paymentId: "pay_1", decide: Self.grantIfMissing(330))
            let fix = try #require(outcome.fixes.first)
            #expect(outcome.fixes.count == 1)
            #expect(fix.kind == .missedGrant)
            #expect(fix.balanceBefore == 50)
            #expect(fix.balanceAfter == 380)
            #expect(fix.creditTransactionId.hasPrefix("rcn_"))
            #expect(fix.creditTransactionId.count == 28)
            #expect(abs(fix.createdAt.timeIntervalSince(before)) < 60)
            #expect(try fixture.balance("user_a") == 380)
            let ledger = try fixture.ledger("pay_1")
            #expect(ledger.map(\.id) == [fix.creditTransactionId])
            #expect(ledger.first?.amount == 330)
            #expect(ledger.first?.type == .purchase)
            #expect(ledger.first?.description == "프로 (reconciled)")
            let stored = try #require(
                try fixture.admin.queryFirst(
                    "SELECT run_id, kind, credits, credit_transaction_id, balance_before, balance_after FROM reconciler.fix"
                ))
            #expect(try stored.decode("credit_transaction_id", as: String.self) == fix.creditTransactionId)
            #expect(try stored.decode("run_id", as: Int64.self) == fixture.runId)
            #expect(try stored.decode("balance_after", as: Int64.self) == 380)
            let updatedAt: Date = try fixture.admin.queryFirst(
                #"SELECT "updatedAt" FROM "Credit" WHERE "userId" = 'user_a'"#)!.decode("updatedAt")
            #expect(abs(updatedAt.timeIntervalSince(before)) < 60)

            // A rerun (a second run, or the same run after a crash) sees the committed row.
            var seen: RepairSnapshot?
            let again = try writer.apply(userId: "user_a", paymentId: "pay_1") { snapshot in
                seen = snapshot
                return Self.grantIfMissing(330)(snapshot)
            }
            #expect(again == .nothingToDo)
            #expect(seen?.lockedBalance == 380)
            #expect(seen?.freshLedger.map(\.id) == [fix.creditTransactionId])
            #expect(try fixture.balance("user_a") == 380)
            #expect(try fixture.fixCount() == 1)
        }
    }

    @Test("a missing Credit row is made for the repair, and not left behind when nothing is written")
    func missingCreditRow() throws {
        try Self.withFixture { fixture in
            let writer = try fixture.writer()
            let nothing = try writer.apply(userId: "user_nocredit", paymentId: "pay_x") { snapshot in
                #expect(snapshot.lockedBalance == 0)
                #expect(snapshot.creditRowCreated)
                return []
            }
            #expect(nothing == .nothingToDo)
            #expect(try fixture.balance("user_nocredit") == nil)
            let outcome = try writer.apply(
                userId: "user_nocredit", paymentId: "pay_2", decide: Self.grantIfMissing(100))
            #expect(outcome.fixes.map(\.balanceAfter) == [100])
            #expect(try fixture.balance("user_nocredit") == 100)
        }
    }

    @Test("an unknown user gets no Credit row and no write; a write for one is refused")
    func unknownUser() throws {
        try Self.withFixture { fixture in
            let writer = try fixture.writer()
            #expect(
                try writer.apply(userId: "user_ghost", paymentId: "pay_g", decide: Self.grantIfMissing(100))
                    == .nothingToDo)
            let refused = #expect(throws: LedgerStoreError.self) {
                try writer.apply(userId: "user_ghost", paymentId: "pay_g") { _ in
                    [.grant(userId: "user_ghost", paymentId: "pay_g", credits: 100, description: nil)]
                }
            }
            #expect(refused?.message.contains("UNKNOWN_USER") == true)
            #expect(try fixture.ledger("pay_g").isEmpty)
        }
    }

    @Test("a payment paid and cancelled before any grant gets a PURCHASE and a REFUND in one transaction")
    func grantAndDeduct() throws {
        try Self.withFixture { fixture in
            let outcome = try fixture.writer().apply(userId: "user_a", paymentId: "pay_c") { snapshot in
                [
                    .grant(userId: "user_a", paymentId: "pay_c", credits: 100, description: "스타터"),
                    .deduction(
                        userId: "user_a", paymentId: "pay_c", credits: 100, description: "스타터 환불",
                        cancellationId: "cancel_1"),
                ]
            }
            #expect(outcome.fixes.map(\.kind) == [.missedGrant, .missedRefund])
            #expect(outcome.fixes.map(\.balanceBefore) == [50, 150])
            #expect(outcome.fixes.map(\.balanceAfter) == [150, 50])
            #expect(outcome.fixes.map(\.amount) == [100, -100])
            #expect(try fixture.ledger("pay_c").map(\.amount).sorted() == [-100, 100])
            #expect(try fixture.balance("user_a") == 50)
            #expect(try fixture.fixCount() == 2)
        }
    }

    @Test(
        "writes that do not fit the unit are refused and nothing is written",
        arguments: [
            LedgerWrite.grant(userId: "user_b", paymentId: "pay_v", credits: 100, description: nil),
            LedgerWrite.grant(userId: "user_a", paymentId: "pay_other", credits: 100, description: nil),
            LedgerWrite.grant(userId: "user_a", paymentId: "pay_v", credits: -100, description: nil),
            LedgerWrite(
                userId: "user_a", paymentId: "pay_v", amount: 100, type: .bonus, description: nil, fixKind: .missedGrant
            ),
            LedgerWrite(
                userId: "user_a", paymentId: "pay_v", amount: 100, type: .refund, description: nil,
                fixKind: .missedRefund),
        ])
    func refusesMisfits(write: LedgerWrite) throws {
        try Self.withFixture { fixture in
            let writer = try fixture.writer()
            #expect(throws: LedgerStoreError.self) {
                try writer.apply(userId: "user_a", paymentId: "pay_v") { _ in
                    [.grant(userId: "user_a", paymentId: "pay_v", credits: 1, description: nil), write]
                }
            }
            #expect(try fixture.ledger("pay_v").isEmpty)
            #expect(try fixture.balance("user_a") == 50)
        }
    }

    @Test("a webhook granting the payment between our read and our write makes the repair alreadyGranted")
    func concurrentWebhook() throws {
        try Self.withFixture { fixture in
            let webhook = try fixture.database.connect()
            let outcome = try fixture.writer().apply(userId: "user_a", paymentId: "pay_w") {
                (snapshot) throws(LedgerStoreError) in
                let writes = Self.grantIfMissing(330)(snapshot)
                // The web app's webhook commits its PURCHASE now (it does not wait for our lock
                // because it inserts before it updates the balance).
                try LedgerStoreError.wrapping(
                    try AppSchema.insert(
                        LedgerEntry(
                            id: "webhook_ct", userId: "user_a", amount: 330, type: .purchase, paymentId: "pay_w",
                            createdAt: Date()),
                        into: webhook))
                return writes
            }
            #expect(outcome == .alreadyGranted)
            #expect(try fixture.ledger("pay_w").map(\.id) == ["webhook_ct"])
            #expect(try fixture.balance("user_a") == 50)
            #expect(try fixture.fixCount() == 0)
        }
    }

    /// What the webhook thread ended with.
    final class WebhookResult: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: Result<Void, PostgresError>?
        var value: Result<Void, PostgresError>? {
            get { lock.withLock { stored } }
            set { lock.withLock { stored = newValue } }
        }
    }

    @Test("a webhook that inserts, then updates the balance, deadlocks with a repair: exactly one grant survives")
    func webhookDeadlock() throws {
        try Self.withFixture { fixture in
            let inserted = DispatchSemaphore(value: 0)
            let finished = DispatchSemaphore(value: 0)
            let result = WebhookResult()
            let database = fixture.database
            let outcome = try fixture.writer().apply(userId: "user_a", paymentId: "pay_d") { snapshot in
                let writes = Self.grantIfMissing(330)(snapshot)
                guard snapshot.freshLedger.isEmpty else { return writes }
                // The web app's webhook, as Prisma runs it: INSERT the PURCHASE, then UPDATE the
                // balance, in one transaction; its UPDATE waits for our row lock.
                Thread.detachNewThread {
                    do {
                        let webhook = try database.connect()
                        try webhook.transaction { (webhook) throws(PostgresError) in
                            try AppSchema.insert(
                                LedgerEntry(
                                    id: "webhook_ct", userId: "user_a", amount: 330, type: .purchase,
                                    paymentId: "pay_d", createdAt: Date()),
                                into: webhook)
                            inserted.signal()
                            try webhook.execute(
                                #"UPDATE "Credit" SET balance = balance + 330 WHERE "userId" = 'user_a'"#)
                        }
                        result.value = .success(())
                    } catch let error as PostgresError {
                        inserted.signal()
                        result.value = .failure(error)
                    } catch {
                        inserted.signal()
                        result.value = .failure(PostgresError(kind: .misuse, message: "\(error)"))
                    }
                    finished.signal()
                }
                inserted.wait()
                return writes
            }
            finished.wait()
            let webhookResult = try #require(result.value)
            // Whoever the server aborted, the payment is granted exactly once.
            #expect(try fixture.ledger("pay_d").filter { $0.type == .purchase }.count == 1)
            #expect(try fixture.balance("user_a") == 380)
            switch webhookResult {
            case .success:
                #expect(outcome == .nothingToDo || outcome == .alreadyGranted)
                #expect(try fixture.fixCount() == 0)
            case .failure(let error):
                #expect(error.sqlState == "40P01", "\(error)")
                #expect(outcome.fixes.count == 1)
                #expect(try fixture.fixCount() == 1)
            }
        }
    }

    @Test("the connection killed mid-transaction: nothing is written and the error says unavailable")
    func connectionKilled() throws {
        try Self.withFixture { fixture in
            let writer = try fixture.writer()
            let killer = try fixture.database.connect()
            let error = #expect(throws: LedgerStoreError.self) {
                try writer.apply(userId: "user_a", paymentId: "pay_k") { (snapshot) throws(LedgerStoreError) in
                    // Waits (up to 10 s) until the backend has exited.
                    let ended: Bool = try LedgerStoreError.wrapping(
                        try killer.queryFirst(
                            "SELECT pg_terminate_backend($1, 10000) AS ended", [writer.connection.backendPID])!
                            .decode("ended"))
                    #expect(ended)
                    return Self.grantIfMissing(330)(snapshot)
                }
            }
            #expect(error?.postgresError?.isUnavailable == true)
            #expect(try fixture.ledger("pay_k").isEmpty)
            #expect(try fixture.balance("user_a") == 50)
            #expect(try fixture.fixCount() == 0)
            // A new connection finishes the work, once.
            let retry = try fixture.writer().apply(
                userId: "user_a", paymentId: "pay_k", decide: Self.grantIfMissing(330))
            #expect(retry.fixes.count == 1)
            #expect(try fixture.balance("user_a") == 380)
        }
    }

    @Test("the least-privilege role runs a whole cycle: begin, read, repair, record, close, checkpoint, finish")
    func leastPrivilegeCycle() throws {
        var role: TestRole?
        defer { role?.drop() }
        try TestDatabase.withFresh(schema: .migrated) { database in
            let admin = try database.connect()
            try AppSchema.insertUser(admin, id: "user_a", balance: 0)
            try AppSchema.insertUser(admin, id: "user_b", balance: nil)
            role = try TestRole.create(in: database)
            let recorder = RunRecorder(connection: try role!.connect())
            let work = try role!.connect()
            let run = try recorder.begin(
                RunStart(trigger: .timer, mode: .apply, windowFrom: Date(), windowUntil: Date(), version: "test"))
            let reader = LedgerReader(connection: work)
            #expect(try reader.accounts(userIds: ["user_a", "user_b"]).count == 2)
            #expect(try reader.entries(forPaymentIds: ["pay_1"]).isEmpty)
            let writer = RepairWriter(connection: work, runId: run.runId)
            #expect(
                try writer.apply(userId: "user_a", paymentId: "pay_1", decide: Self.grantIfMissing(100)).fixes.count
                    == 1)
            #expect(
                try writer.apply(userId: "user_b", paymentId: "pay_2", decide: Self.grantIfMissing(100)).fixes.count
                    == 1)
            #expect(try reader.balanceTotals(userIds: ["user_a", "user_b"]).values.allSatisfy { $0.drift == 0 })
            let store = DiscrepancyStore(connection: work)
            let drift = DiscrepancyRecord(kind: "BALANCE_DRIFT", severity: "warning", userId: "user_a")
            let recorded = try store.record([drift], runId: run.runId)
            #expect(recorded.first?.isNew == true)
            _ = try store.closeGone(runId: run.runId, examinedPaymentIds: ["pay_1"], examinedUserIds: ["user_a"])
            try store.resolve(id: recorded[0].id, note: "checked", by: "ops")
            try recorder.advanceCheckpoint("scan", to: Date(), runId: run.runId)
            try recorder.finish(run.runId, outcome: .succeeded, totalsJSON: #"{"fixesApplied": 2}"#)
            #expect(try recorder.latestRun()?.status == .succeeded)
            #expect(
                try admin.queryFirst(#"SELECT sum(balance) AS s FROM "Credit""#)?.decode("s", as: Int64.self) == 200)
        }
    }

    @Test("a batch applies its units in one transaction; same-user units chain the balance; outcomes stay in order")
    func batch() throws {
        try Self.withFixture { fixture in
            try AppSchema.insert(
                LedgerEntry(
                    id: "ct_old", userId: "user_a", amount: 100, type: .purchase, paymentId: "pay_done",
                    createdAt: Date()),
                into: fixture.admin)
            let units = [
                RepairUnit(userId: "user_a", paymentId: "pay_b1"),
                RepairUnit(userId: "user_nocredit", paymentId: "pay_b2"),
                RepairUnit(userId: "user_a", paymentId: "pay_done"),
                RepairUnit(userId: "user_ghost", paymentId: "pay_b3"),
                RepairUnit(userId: "user_a", paymentId: "pay_b4"),
            ]
            let writer = try fixture.writer()
            let outcomes = try writer.apply(units: units, decide: Self.grantIfMissing(100))
            #expect(outcomes.map(\.fixes.count) == [1, 1, 0, 0, 1])
            #expect(outcomes[2] == .nothingToDo)
            #expect(outcomes[3] == .nothingToDo)
            #expect(outcomes[0].fixes.first?.balanceBefore == 50)
            #expect(outcomes[4].fixes.first?.balanceBefore == 150)
            #expect(outcomes[4].fixes.first?.balanceAfter == 250)
            #expect(try fixture.balance("user_a") == 250)
            #expect(try fixture.balance("user_nocredit") == 100)
            #expect(try fixture.fixCount() == 3)
            #expect(try writer.apply(units: units, decide: Self.grantIfMissing(100)).allSatisfy { $0 == .nothingToDo })
            #expect(throws: LedgerStoreError.self) {
                try writer.apply(units: [units[0], units[0]], decide: Self.grantIfMissing(100))
            }
        }
    }

    @Test("a webhook grant during a batch falls back to one unit at a time: only its unit is left out")
    func batchWithConcurrentWebhook() throws {
        try Self.withFixture { fixture in
            try AppSchema.insertUser(fixture.admin, id: "user_b", balance: 0)
            let webhook = try fixture.database.connect()
            var webhookFired = false
            let units = [
                RepairUnit(userId: "user_a", paymentId: "pay_1"), RepairUnit(userId: "user_b", paymentId: "pay_2"),
            ]
            let outcomes = try fixture.writer().apply(units: units) { (snapshot) throws(LedgerStoreError) in
                if snapshot.paymentId == "pay_2" && !webhookFired {
                    webhookFired = true
                    try LedgerStoreError.wrapping(
                        try AppSchema.insert(
                            LedgerEntry(
                                id: "webhook_ct", userId: "user_b", amount: 100, type: .purchase, paymentId: "pay_2",
                                createdAt: Date()),
                            into: webhook))
                }
                return Self.grantIfMissing(100)(snapshot)
            }
            #expect(outcomes[0].fixes.count == 1)
            // The batch hit the webhook's row and rolled back; alone, pay_2's fresh read sees it.
            #expect(outcomes[1] == .nothingToDo)
            #expect(try fixture.ledger("pay_2").map(\.id) == ["webhook_ct"])
            #expect(try fixture.balance("user_a") == 150)
            #expect(try fixture.balance("user_b") == 0)
            #expect(try fixture.fixCount() == 1)
        }
    }

    @Test("10,000 repairs, one transaction each (rate printed, not asserted)")
    func tenThousandRepairs() throws {
        try TestDatabase.withFresh(schema: .migrated) { database in
            let admin = try database.connect()
            try LedgerFixture(users: 10_000, payments: 0, rows: 0).load(into: admin)
            let run = try RunRecorder(connection: try database.connect()).begin(
                RunStart(trigger: .manual, mode: .apply, windowFrom: nil, windowUntil: nil, version: "test"))
            let writer = RepairWriter(connection: try database.connect(), runId: run.runId)
            let clock = ContinuousClock()
            var applied = 0
            let elapsed = try clock.measure {
                for n in 0..<10_000 {
                    let outcome = try writer.apply(
                        userId: LedgerFixture.userId(n), paymentId: "bulk_pay_\(n)", decide: Self.grantIfMissing(100))
                    applied += outcome.fixes.count
                }
            }
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            print("RepairWriter: 10000 repairs in \(seconds) s = \(Int(10_000 / seconds)) repairs/s")
            #expect(applied == 10_000)
            let totals = try #require(
                try admin.queryFirst(
                    #"""
                    SELECT (SELECT sum(balance) FROM "Credit") AS balances,
                           (SELECT count(*) FROM "CreditTransaction" WHERE id LIKE 'rcn\_%') AS rows,
                           (SELECT count(*) FROM reconciler.fix) AS fixes
                    """#))
            #expect(try totals.decode("balances", as: Int64.self) == 1_000_000)
            #expect(try totals.decode("rows", as: Int64.self) == 10_000)
            #expect(try totals.decode("fixes", as: Int64.self) == 10_000)
        }
    }

    @Test("10,000 repairs in batches of 500 (rate printed, not asserted)")
    func tenThousandRepairsBatched() throws {
        try TestDatabase.withFresh(schema: .migrated) { database in
            let admin = try database.connect()
            try LedgerFixture(users: 10_000, payments: 0, rows: 0).load(into: admin)
            let run = try RunRecorder(connection: try database.connect()).begin(
                RunStart(trigger: .manual, mode: .apply, windowFrom: nil, windowUntil: nil, version: "test"))
            let writer = RepairWriter(connection: try database.connect(), runId: run.runId)
            let units = (0..<10_000).map { RepairUnit(userId: LedgerFixture.userId($0), paymentId: "bulk_pay_\($0)") }
            var applied = 0
            let elapsed = try ContinuousClock().measure {
                for start in stride(from: 0, to: units.count, by: 500) {
                    let outcomes = try writer.apply(
                        units: Array(units[start..<start + 500]), decide: Self.grantIfMissing(100))
                    applied += outcomes.reduce(0) { $0 + $1.fixes.count }
                }
            }
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            print("RepairWriter batched: 10000 repairs in \(seconds) s = \(Int(10_000 / seconds)) repairs/s")
            #expect(applied == 10_000)
            let balances: Int64 = try admin.queryFirst(#"SELECT sum(balance) AS s FROM "Credit""#)!.decode("s")
            #expect(balances == 1_000_000)
            #expect(
                try admin.queryFirst("SELECT count(*) AS n FROM reconciler.fix")!.decode("n", as: Int64.self) == 10_000)
        }
    }
}
