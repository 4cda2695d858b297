import Foundation
import LedgerStore
import PortOne
import Postgres
import ReconcilerCore
import ReconcilerEngine

/// The straightforward design a team writes first, for comparison only (never the product):
/// PortOne bodies decoded with `JSONDecoder` into the `Codable` models, `GET /payments` paged
/// sequentially, one ledger query and one account query per payment, and per repair the payment
/// fetched again by id (ARCHITECTURE §5.5) and one transaction (locked, re-read and re-decided like
/// the product, so it stays correct), then the same balance audit. It records no discrepancies,
/// which only flatters it.
struct BaselineRun {
    /// The database, client and configuration to run with.
    let setup: BenchmarkCommand.Setup

    /// Runs the baseline once and returns what it counted.
    func run() async throws -> BenchmarkFigures.Run {
        // One session for everything, its SQL written out per payment: that is the baseline.
        let session = try setup.database.open()
        defer { session.close() }
        let connection = session.connection
        let handle = try session.recorder.begin(
            RunStart(
                trigger: .manual, mode: .apply, windowFrom: nil, windowUntil: nil, version: "baseline"))
        let clock = ContinuousClock()
        var timings = RunTimings()
        var pending: [(PaymentFacts, String)] = []
        var payments = 0
        var ledgerRows = 0
        let from = BenchmarkCommand.clock.adding(nanoseconds: -40 * 86_400 * 1_000_000_000)
        let options = PaymentScanOptions(timestampType: .statusChangedAt, pageSize: 1000, parallelism: 1)
        _ = try await setup.client.scanPayments(from: from, until: BenchmarkCommand.clock, options: options) { page in
            for case .success(let payment) in page.items {
                payments += 1
                let facts = payment.facts
                let ledger = try connection.query(
                    """
                    SELECT \(LedgerEntry.selectColumns) FROM "CreditTransaction"
                    WHERE "paymentId" = $1 ORDER BY "createdAt", id
                    """, [facts.id]
                ).map(LedgerEntry.init(row:))
                ledgerRows += ledger.count
                var users: [String: UserAccount] = [:]
                if let userId = Reconciler.userId(for: facts),
                    let row = try connection.queryFirst(
                        #"SELECT u.id, u.email, c.balance FROM "User" u LEFT JOIN "Credit" c ON c."userId" = u.id WHERE u.id = $1"#,
                        [userId])
                {
                    users[userId] = UserAccount(
                        id: try row.decode("id"), email: try row.decode("email"), balance: try row.decode("balance"))
                }
                let started = clock.now
                let outcome = Reconciler.decide(
                    payment: facts, ledger: ledger, users: users, configuration: setup.configuration,
                    storeId: setup.storeId, now: BenchmarkCommand.clock)
                timings.deciding += clock.now - started
                if !outcome.applicable.isEmpty, let userId = outcome.userId { pending.append((facts, userId)) }
            }
        }
        let applyStarted = clock.now
        let writer = session.repairWriter(runId: handle.runId)
        var repairs = 0
        for (scanned, userId) in pending {
            guard case .found(let payment) = try await setup.client.getPayment(id: scanned.id) else { continue }
            let facts = payment.facts
            let result = try writer.apply(userId: userId, paymentId: facts.id) { snapshot in
                var users: [String: UserAccount] = [:]
                if let balance = snapshot.lockedBalance { users[userId] = UserAccount(id: userId, balance: balance) }
                return Reconciler.decide(
                    payment: facts, ledger: snapshot.freshLedger, users: users, configuration: setup.configuration,
                    storeId: setup.storeId, now: BenchmarkCommand.clock
                ).applicable.filter { $0.userId == userId }.map(\.ledgerWrite)
            }
            if case .applied(let fixes) = result { repairs += fixes.count }
        }
        timings.applying = clock.now - applyStarted
        _ = try session.reader.balanceDrifts()
        timings.database = connection.timeInStatements
        timings.decoding = setup.client.counters.decodingTime
        return BenchmarkFigures.Run(
            payments: payments, repairs: repairs, apiRequests: setup.client.counters.total,
            sqlStatements: connection.statementsExecuted, ledgerRows: ledgerRows, timings: timings)
    }
}
