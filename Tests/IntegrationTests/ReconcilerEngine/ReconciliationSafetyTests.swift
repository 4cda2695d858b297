import Foundation
import LedgerStore
import PortOne
import Postgres
import ReconcilerCore
import ReconcilerEngine
import Reports
import TestSupport
import Testing
import WireFormat

/// ARCHITECTURE §5.5 against the real database and the simulator: dry runs, the run lock, the fix
/// limits, look-ups by id, and failures that must move no money and no checkpoint.
@Suite struct ReconciliationSafetyTests {
    typealias World = ReconciliationWorldTests

    /// A fingerprint of the web app's tables: equal fingerprints, equal tables.
    static func appTables(_ connection: Connection) throws -> String {
        let row = try connection.queryFirst(
            """
            SELECT md5(coalesce((SELECT string_agg(t::text, '|' ORDER BY id) FROM "CreditTransaction" t), '')) ||
                   md5(coalesce((SELECT string_agg(c::text, '|' ORDER BY id) FROM "Credit" c), '')) AS fingerprint
            """)
        return try row?.decode("fingerprint", as: String.self) ?? ""
    }

    static func checkpoint(_ connection: Connection) throws -> Checkpoint? {
        try RunRecorder(connection: connection).checkpoint(ReconciliationEngine.checkpointName)
    }

    @Test func aDryRunWritesNothingToTheAppTablesAndKeepsTheCheckpoint() async throws {
        try await TestDatabase.withFresh(schema: .app) { database in
            let (simulator, _) = try await World.world(payments: 600, seed: 21, database: database)
            defer { simulator.stop() }
            let connection = try database.connect()
            defer { connection.close() }
            let before = try Self.appTables(connection)
            let result = try await World.engine(simulator, database).run(RunRequest(dryRun: true))
            #expect((try result.fixes(in: database.url)).isEmpty)
            #expect(result.totals.fixesPlanned > 0)
            #expect(result.plannedRepairs.count == result.totals.fixesPlanned)
            #expect(try Self.appTables(connection) == before)
            #expect(try Self.checkpoint(connection) == nil)
            let run = try RunRecorder(connection: connection).run(id: result.runId)
            #expect(run?.status == .succeeded)
            #expect(run?.mode == .dryRun)
        }
    }

    @Test func aRunWhileAnotherHoldsTheLockFailsNamingTheHolder() async throws {
        try await TestDatabase.withFresh(schema: .app) { database in
            let (simulator, _) = try await World.world(payments: 50, seed: 22, database: database)
            defer { simulator.stop() }
            let holder = try database.connect()
            defer { holder.close() }
            let held = try RunRecorder(connection: holder).begin(
                RunStart(trigger: .daemon, mode: .apply, windowFrom: nil, windowUntil: nil, version: "test"))
            do {
                _ = try await World.engine(simulator, database).run(RunRequest())
                Issue.record("a second run must not start while the lock is held")
            } catch let error as RunFailure {
                guard case .lockHeld(let message) = error else {
                    Issue.record("expected lockHeld, got \(error)")
                    return
                }
                #expect(message.contains("\(held.runId)"), "message: \(message)")
            }
        }
    }

    @Test func tooManyRepairsApplyNoneUntilAnExplicitOverride() async throws {
        try await TestDatabase.withFresh(schema: .app) { database in
            let (simulator, _) = try await World.world(payments: 600, seed: 23, database: database)
            defer { simulator.stop() }
            let connection = try database.connect()
            defer { connection.close() }
            let before = try Self.appTables(connection)
            let engine = try World.engine(simulator, database, maxFixes: 3)
            var failedRunId: Int64 = 0
            do {
                _ = try await engine.run(RunRequest())
                Issue.record("the fix limit must stop the run")
            } catch let error as RunFailure {
                guard case .fixLimitExceeded(let runId, let message) = error else {
                    Issue.record("expected fixLimitExceeded, got \(error)")
                    return
                }
                failedRunId = runId
                #expect(message.contains("--max-fixes"))
            }
            #expect(try Self.appTables(connection) == before)
            #expect(try Self.checkpoint(connection) == nil)
            let limit = try DiscrepancyStore(connection: connection).list(status: .open, kind: "FIX_LIMIT_EXCEEDED")
            #expect(limit.count == 1)
            #expect(try RunRecorder(connection: connection).run(id: failedRunId)?.status == .failed)
            // The failed run's report lists every queued repair as planned, each with its payment,
            // in payment-id order (read back from the queue, which the run then empties).
            let stored = try #require(try RunRecorder(connection: connection).report(runId: failedRunId))
            let plannedFixes = try JSONValue.parse(Data(stored.utf8))["plannedFixes"].arrayValue
                .filter { $0["reason"].stringValue == "fixLimit" }
            #expect(plannedFixes.count > 3)
            for planned in plannedFixes {
                #expect(planned["payment"]["status"].stringValue != nil, "\(planned)")
                #expect(planned["userEmail"].stringValue?.contains("@") == true, "\(planned)")
            }
            let plannedIds = plannedFixes.compactMap { $0["paymentId"].stringValue }
            #expect(plannedIds == plannedIds.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
            #expect(
                try connection.queryFirst("SELECT count(*) AS n FROM reconciler.run_repair")!.decode("n") == Int64(0))

            let overridden = try await engine.run(RunRequest(maxFixesOverride: 100_000))
            #expect(!(try overridden.fixes(in: database.url)).isEmpty)
            #expect(try Self.checkpoint(connection) != nil)
            let stillOpen = try DiscrepancyStore(connection: connection).list(status: .open, kind: "FIX_LIMIT_EXCEEDED")
            #expect(stillOpen.isEmpty, "the limit discrepancy closes once a run gets through")
        }
    }

    @Test func anAPIThatSuddenlyReportsRefundsEverywhereTripsTheLimitInsteadOfClawingBack() async throws {
        try await TestDatabase.withFresh(schema: .app) { database in
            let end = RFC3339.Timestamp(Date().addingTimeInterval(-3600))
            let (simulator, _) = try await World.world(payments: 1500, seed: 24, database: database, end: end)
            defer { simulator.stop() }
            let realClock: @Sendable () -> RFC3339.Timestamp = { RFC3339.Timestamp(Date()) }
            // A first run repairs the world as generated.
            _ = try await World.engine(simulator, database, clock: realClock).run(RunRequest())
            let connection = try database.connect()
            defer { connection.close() }
            let before = try Self.appTables(connection)
            try await simulator.control(.post, "/_simulator/mutate", ["count": 800, "seed": 5])
            // The clock stands an hour ahead, past the settle delay of the new cancellations.
            let guarded = try World.engine(
                simulator, database, maxFixes: 500, clock: { RFC3339.Timestamp(Date().addingTimeInterval(3600)) })
            do {
                _ = try await guarded.run(RunRequest(since: end.adding(nanoseconds: -86_400_000_000_000)))
                Issue.record("800 sudden refunds must trip maxFixesPerRun = 500")
            } catch let error as RunFailure {
                guard case .fixLimitExceeded = error else {
                    Issue.record("expected fixLimitExceeded, got \(error)")
                    return
                }
            }
            #expect(try Self.appTables(connection) == before, "no credits may be clawed back")
        }
    }

    @Test func paymentIdsAreLookedUpAloneAndLeaveTheCheckpoint() async throws {
        try await TestDatabase.withFresh(schema: .app) { database in
            let (simulator, expected) = try await World.world(payments: 600, seed: 25, database: database)
            defer { simulator.stop() }
            let lost = try #require(expected.mistakes.first { $0.kind == "MISSED_GRANT" })
            let paymentId = try #require(lost.paymentId)
            let result = try await World.engine(simulator, database).run(
                RunRequest(paymentIds: [paymentId, "no-such-payment"]))
            #expect(result.window == nil)
            #expect(result.totals.paymentsLookedUp == 2)
            #expect((try result.fixes(in: database.url)).map(\.paymentId) == [paymentId])
            #expect((try result.fixes(in: database.url)).first?.credits == lost.credits)
            let connection = try database.connect()
            defer { connection.close() }
            #expect(try Self.checkpoint(connection) == nil)
        }
    }

    @Test func aWrongSecretIsAConfigurationFailureAndTheRunIsRecordedFailed() async throws {
        try await TestDatabase.withFresh(schema: .app) { database in
            let (simulator, _) = try await World.world(payments: 50, seed: 26, database: database)
            defer { simulator.stop() }
            do {
                _ = try await World.engine(simulator, database, secret: "expired-secret").run(RunRequest())
                Issue.record("a wrong secret must fail the run")
            } catch let error as RunFailure {
                guard case .configuration(let message) = error else {
                    Issue.record("expected configuration, got \(error)")
                    return
                }
                #expect(message.contains("PORTONE_API_SECRET"))
                #expect(!message.contains("expired-secret"))
            }
            let connection = try database.connect()
            defer { connection.close() }
            let run = try RunRecorder(connection: connection).latestRun()
            #expect(run?.status == .failed)
            #expect(try Self.checkpoint(connection) == nil)
        }
    }

    @Test func aDatabaseMissingAMigrationIsAConfigurationFailureBeforeAnythingIsWritten() async throws {
        try await TestDatabase.withFresh(schema: .app) { database in
            let (simulator, _) = try await World.world(payments: 50, seed: 29, database: database)
            defer { simulator.stop() }
            let connection = try database.connect()
            defer { connection.close() }
            // As after upgrading the binary without running migrate: everything but 0006.
            try connection.execute("DROP TABLE reconciler.run_repair")
            try connection.execute("DELETE FROM reconciler.schema_migration WHERE version = 6")
            let before = try Self.appTables(connection)
            let error = await #expect(throws: RunFailure.self) {
                _ = try await World.engine(simulator, database).run(RunRequest())
            }
            guard case .configuration(let message) = error else {
                Issue.record("expected a configuration failure, got \(String(describing: error))")
                return
            }
            #expect(message.contains("0006_run_repair_queue.sql") && message.contains("credit-reconciler migrate"))
            #expect(try Self.appTables(connection) == before)
            #expect(try RunRecorder(connection: connection).runs(limit: 5).isEmpty, "no run was started")
        }
    }

    @Test func anUnreachableDatabaseIsUnavailable() async throws {
        try await TestDatabase.withFresh(schema: .app) { database in
            let (simulator, _) = try await World.world(payments: 20, seed: 27, database: database)
            defer { simulator.stop() }
            var settings = ReconciliationEngine.Settings(
                configuration: Configuration(catalog: World.catalog), storeId: SimulatorProcess.storeId,
                database: LedgerDatabase(
                    url: try DatabaseURL(parsing: "postgresql://nobody:pw@127.0.0.1:1/none?connect_timeout=2")))
            settings.pageSize = 100
            do {
                _ = try await ReconciliationEngine(settings: settings, client: try simulator.client()).run(RunRequest())
                Issue.record("the run must fail without a database")
            } catch let error as RunFailure {
                guard case .unavailable = error else {
                    Issue.record("expected unavailable, got \(error)")
                    return
                }
            }
        }
    }
}
