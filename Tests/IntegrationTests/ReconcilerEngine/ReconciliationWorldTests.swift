import Foundation
import LedgerStore
import PortOne
import Postgres
import ReconcilerCore
import ReconcilerEngine
import TestSupport
import Testing
import WireFormat

/// The engine against a generated world: the simulator serves the payments, the database holds
/// the web app's ledger with the mistakes the generator injected and listed in expected.json.
/// One run must repair exactly the listed missed grants and refunds, open the listed
/// discrepancies, and a second run must find nothing left to do.
@Suite(.serialized) struct ReconciliationWorldTests {
    static let catalog = [
        CreditPackage(id: "starter", name: "스타터", price: 10_000, currency: "KRW", credits: 100),
        CreditPackage(id: "basic", name: "베이직", price: 30_000, currency: "KRW", credits: 330),
        CreditPackage(id: "pro", name: "프로", price: 50_000, currency: "KRW", credits: 600),
        CreditPackage(id: "business", name: "비즈니스", price: 100_000, currency: "KRW", credits: 1300),
    ]

    struct Mistake: Decodable, Hashable {
        var kind: String
        var paymentId: String?
        var userId: String?
        var credits: Int64?
    }

    struct Expected: Decodable {
        var mistakes: [Mistake]
    }

    /// The generated world ends here; the engine's clock stands an hour later, so every run of
    /// the test sees the same payments.
    static let worldEnd = RFC3339.timestamp("2026-11-01T00:00:00Z")!
    static let clock = worldEnd.adding(nanoseconds: 3600 * 1_000_000_000)

    /// Starts a world of `payments` payments ending at `worldEnd`, loads its ledger, migrates.
    static func world(
        payments: Int, seed: Int, database: TestDatabase, end: RFC3339.Timestamp = worldEnd, extra: [String] = []
    ) async throws -> (SimulatorProcess, Expected) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("world-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let until = RFC3339.format(end)
        let simulator = try await SimulatorProcess.start(
            secret: "world-secret-\(seed)",
            arguments: [
                "--generate", "\(payments)", "--seed", "\(seed)", "--until", until, "--ledger-out", folder.path,
                "--duplicate-grant-rate", "0",
            ] + extra)
        let connection = try database.connect()
        defer { connection.close() }
        _ = try AppLedgerCopyFiles.load(from: folder, into: connection)
        _ = try Migrator(connection: connection).migrate()
        let expected = try JSONDecoder().decode(
            Expected.self, from: Data(contentsOf: folder.appendingPathComponent("expected.json")))
        return (simulator, expected)
    }

    /// The engine settings the world's tests start from: the world's catalog, a 40-day first
    /// look-back, `maxFixes` repairs a run, the simulator's store; `adjust` changes the policy
    /// or the reports' settings.
    static func settings(
        _ database: TestDatabase, maxFixes: Int = 100_000,
        adjust: (inout Configuration.Policy, inout Configuration.ReportSettings) -> Void = { _, _ in }
    ) -> ReconciliationEngine.Settings {
        var policy = Configuration.Policy()
        policy.initialLookback = 40 * 86_400
        policy.maxFixesPerRun = maxFixes
        var reports = Configuration.ReportSettings()
        adjust(&policy, &reports)
        return ReconciliationEngine.Settings(
            configuration: Configuration(catalog: catalog, policy: policy, reports: reports),
            storeId: SimulatorProcess.storeId, database: database.ledger)
    }

    static func engine(
        _ simulator: SimulatorProcess, _ database: TestDatabase, maxFixes: Int = 100_000,
        clock: @escaping @Sendable () -> RFC3339.Timestamp = { clock }, secret: String? = nil,
        refetchDepth: Int? = nil
    ) throws -> ReconciliationEngine {
        var settings = settings(database, maxFixes: maxFixes)
        settings.pageSize = 500
        if let refetchDepth { settings.refetchDepth = refetchDepth }
        return ReconciliationEngine(settings: settings, client: try simulator.client(secret: secret), now: clock)
    }

    @Test func oneRunRepairsExactlyTheInjectedMistakesAndASecondRunFindsNothing() async throws {
        try await TestDatabase.withFresh(schema: .app) { database in
            let (simulator, expected) = try await Self.world(payments: 3000, seed: 11, database: database)
            defer { simulator.stop() }
            let engine = try Self.engine(simulator, database)
            let first = try await engine.run(RunRequest())

            // Repairs: per payment and kind, the credits written plus what could not be collected
            // equal what the generator says went missing.
            var applied: [String: Int64] = [:]
            for fix in (try first.fixes(in: database.url)) {
                applied["\(fix.kind.rawValue) \(fix.paymentId)", default: 0] += fix.credits
            }
            let connection = try database.connect()
            defer { connection.close() }
            let shortfalls = try connection.query(
                """
                SELECT payment_id, (actual->>'uncollected')::bigint AS uncollected FROM reconciler.discrepancy
                WHERE kind = 'REFUND_SHORTFALL' AND status = 'open'
                """)
            var uncollected: [String: Int64] = [:]
            for row in shortfalls {
                uncollected[try row.decode("payment_id", as: String.self)] = try row.decode(
                    "uncollected", as: Int64.self)
            }
            var missing: [String: Int64] = [:]
            for mistake in expected.mistakes where mistake.kind == "MISSED_GRANT" || mistake.kind == "MISSED_REFUND" {
                missing["\(mistake.kind) \(mistake.paymentId ?? "")", default: 0] += mistake.credits ?? 0
            }
            for (key, credits) in missing {
                let paymentId = String(key.split(separator: " ")[1])
                let owedElsewhere = key.hasPrefix("MISSED_REFUND") ? (uncollected[paymentId] ?? 0) : 0
                #expect(applied[key, default: 0] + owedElsewhere == credits, "\(key)")
            }
            for key in applied.keys where missing[key] == nil {
                Issue.record("repair not in the generator's list: \(key) \(applied[key] ?? 0)")
            }
            #expect(first.totals.fixesApplied == (try first.fixes(in: database.url)).count)
            #expect(!(try first.fixes(in: database.url)).isEmpty)

            // Discrepancies: each injected one is open, by payment or by user.
            let open = try connection.query(
                "SELECT kind, coalesce(payment_id, user_id, '') AS subject FROM reconciler.discrepancy WHERE status = 'open'"
            )
            let openKeys = Set(
                try open.map {
                    "\(try $0.decode("kind", as: String.self)) \(try $0.decode("subject", as: String.self))"
                })
            for mistake in expected.mistakes where !["MISSED_GRANT", "MISSED_REFUND"].contains(mistake.kind) {
                let subject = mistake.paymentId ?? mistake.userId ?? ""
                #expect(openKeys.contains("\(mistake.kind) \(subject)"), "\(mistake.kind) \(subject) not opened")
            }

            // The ledger's own invariant: apart from the users whose drift was injected, every
            // balance equals the sum of its transactions after the repairs.
            let drifted = Set(expected.mistakes.filter { $0.kind == "BALANCE_DRIFT" }.compactMap(\.userId))
            let wrong = try connection.query(
                """
                SELECT c."userId" FROM "Credit" c
                LEFT JOIN (SELECT "userId", sum(amount)::bigint AS total FROM "CreditTransaction" GROUP BY 1) t
                  ON t."userId" = c."userId"
                WHERE c.balance <> coalesce(t.total, 0)
                """
            ).map { try $0.decode("userId", as: String.self) }
            #expect(Set(wrong) == drifted)

            // Idempotence: the same window again repairs nothing and opens nothing new.
            let second = try await engine.run(RunRequest(since: first.window?.from, until: first.window?.until))
            #expect((try second.fixes(in: database.url)).isEmpty)
            #expect(second.totals.discrepanciesNew == 0)
            #expect(second.totals.discrepanciesOpen == first.totals.discrepanciesOpen)
        }
    }
}
