import Foundation
import LedgerStore
import Postgres
import TestSupport
import Testing

/// `credit-reconciler daemon` as systemd runs it: the built binary, real signals, and a real
/// datagram socket in `NOTIFY_SOCKET` that the test binds and reads.
@Suite(.serialized) struct DaemonCommandTests {
    typealias World = ReconciliationWorldTests

    static func start(
        _ simulator: SimulatorProcess, _ database: TestDatabase, config: URL, listener: NotifyListener
    ) throws -> BackgroundProduct {
        var environment = RunCommandTests.environment(simulator, database, configFile: config)
        environment["NOTIFY_SOCKET"] = listener.address
        environment["WATCHDOG_USEC"] = "1000000"
        return try BackgroundProduct("credit-reconciler", ["daemon"], environment: environment)
    }

    @Test func notifiesRunsOnSIGUSR1KeepsItsConfigurationOnABadReloadAndStopsOnSIGTERM() async throws {
        try await TestDatabase.withFresh(schema: .app) { database in
            let (simulator, _) = try await World.world(
                payments: 300, seed: 41, database: database, end: .init(Date().addingTimeInterval(-3600)))
            defer { simulator.stop() }
            let config = try RunCommandTests.configFile()
            defer { try? FileManager.default.removeItem(at: config) }
            let listener = try NotifyListener()
            let daemon = try Self.start(simulator, database, config: config, listener: listener)

            let ready = listener.next(containing: "READY=1")
            #expect(ready?.contains("STATUS=idle; next run ") == true, "\(daemon.standardError)")
            #expect(ready?.contains("daily at 03:00 Asia/Seoul") == true)
            #expect(listener.next(containing: "WATCHDOG=1") != nil)

            daemon.send(SIGUSR1)
            let finished = listener.next(containing: "STATUS=idle")
            #expect(finished?.contains("last: run 1 succeeded") == true, "\(daemon.standardError)")
            let connection = try database.connect()
            defer { connection.close() }
            let runs = try RunRecorder(connection: connection).runs(limit: 10)
            #expect(runs.map(\.status) == [.succeeded])
            #expect(runs.first?.trigger.rawValue == "daemon")

            // A broken configuration is refused with its reason; the daemon keeps the old one.
            try Data(#"{"catalog": [], "schedul": {}}"#.utf8).write(to: config)
            daemon.send(SIGHUP)
            #expect(listener.next(containing: "RELOADING=1") != nil)
            #expect(listener.next(containing: "READY=1") != nil)
            #expect(daemon.process.isRunning)
            #expect(daemon.standardError.contains("rejected, keeping the previous one"))
            #expect(daemon.standardError.contains("schedul"))
            daemon.send(SIGUSR1)
            let second = listener.next(containing: "STATUS=idle")
            #expect(second?.contains("last: run 2 succeeded") == true, "\(daemon.standardError)")
            #expect(try RunRecorder(connection: connection).runs(limit: 10).map(\.status) == [.succeeded, .succeeded])

            daemon.send(SIGTERM)
            #expect(listener.next(containing: "STOPPING=1") != nil)
            #expect(daemon.waitForExit(seconds: 30) == 0, "\(daemon.standardError)")
            #expect(!daemon.standardError.contains(simulator.secret))
        }
    }

    @Test func sigtermDuringALongRunFinishesTheRepairInProgressAndRecordsTheRunAborted() async throws {
        try await TestDatabase.withFresh(schema: .app) { database in
            let (simulator, expected) = try await World.world(
                payments: 800, seed: 43, database: database, end: .init(Date().addingTimeInterval(-3600)),
                extra: ["--lost-grant-rate", "0.3"])
            defer { simulator.stop() }
            let config = try RunCommandTests.configFile()
            defer { try? FileManager.default.removeItem(at: config) }
            // Every PortOne request takes a while: the (batched) repairs, each re-fetched, take seconds.
            try await simulator.setFaults(["latencyMs": 400])
            let listener = try NotifyListener()
            let daemon = try Self.start(simulator, database, config: config, listener: listener)
            #expect(listener.next(containing: "READY=1") != nil, "\(daemon.standardError)")

            daemon.send(SIGUSR1)
            let repairing = listener.next(containing: "STATUS=reconciling: repairing")
            #expect(repairing != nil, "\(daemon.standardError)")
            daemon.send(SIGTERM)
            #expect(listener.next(containing: "STOPPING=1") != nil)
            #expect(daemon.waitForExit(seconds: 60) == 0, "\(daemon.standardError)")
            #expect(daemon.standardError.contains("aborted"))

            let connection = try database.connect()
            defer { connection.close() }
            let runs = try RunRecorder(connection: connection).runs(limit: 10)
            #expect(runs.map(\.status) == [.aborted])
            #expect(try RunRecorder(connection: connection).checkpoint("payments") == nil)
            // Some repairs were written, not all; each one whole: its ledger row exists and every
            // balance equals the sum of its transactions, apart from the injected drifts.
            let fixes: Int64 = try connection.queryFirst("SELECT count(*) AS n FROM reconciler.fix")!.decode("n")
            let missed = expected.mistakes.filter { ["MISSED_GRANT", "MISSED_REFUND"].contains($0.kind) }
            #expect(fixes > 0)
            #expect(fixes < Int64(missed.count))
            let orphans: Int64 = try connection.queryFirst(
                """
                SELECT count(*) AS n FROM reconciler.fix f
                LEFT JOIN "CreditTransaction" t ON t.id = f.credit_transaction_id WHERE t.id IS NULL
                """)!.decode("n")
            #expect(orphans == 0)
            #expect(
                try Self.driftedUsers(connection)
                    == Set(expected.mistakes.filter { $0.kind == "BALANCE_DRIFT" }.compactMap(\.userId)))

            // The next run finishes the work: nothing is applied twice.
            try await simulator.setFaults([:])
            let rerun = try ProductProcess.run(
                "credit-reconciler", ["run"],
                environment: RunCommandTests.environment(simulator, database, configFile: config))
            #expect(rerun.status == 0, "\(rerun.standardError)")
            let perPayment = try connection.query(
                "SELECT kind, payment_id, sum(credits)::bigint AS credits FROM reconciler.fix GROUP BY 1, 2")
            var missing: [String: Int64] = [:]
            for mistake in missed {
                missing["\(mistake.kind) \(mistake.paymentId ?? "")", default: 0] += mistake.credits ?? 0
            }
            for row in perPayment {
                let key = "\(try row.decode("kind", as: String.self)) \(try row.decode("payment_id", as: String.self))"
                #expect(try row.decode("credits", as: Int64.self) <= missing[key, default: 0], "\(key) applied twice")
            }
            #expect(
                try Self.driftedUsers(connection)
                    == Set(expected.mistakes.filter { $0.kind == "BALANCE_DRIFT" }.compactMap(\.userId)))
        }
    }

    @Test func aFailedRunOrAHeldLockIsLoggedAndTheDaemonKeepsItsSchedule() async throws {
        try await TestDatabase.withFresh(schema: .app) { database in
            let (simulator, _) = try await World.world(
                payments: 300, seed: 59, database: database, end: .init(Date().addingTimeInterval(-3600)))
            defer { simulator.stop() }
            // At most one repair per run: this world needs more, so the run fails (exit 1).
            let config = try RunCommandTests.configFile(
                RunCommandTests.configuration.replacingOccurrences(of: "100000", with: "1"))
            defer { try? FileManager.default.removeItem(at: config) }
            let listener = try NotifyListener()
            let daemon = try Self.start(simulator, database, config: config, listener: listener)
            #expect(listener.next(containing: "READY=1") != nil, "\(daemon.standardError)")

            daemon.send(SIGUSR1)
            let failed = listener.next(containing: "STATUS=idle")
            #expect(failed?.contains("last: failed (exit 1)") == true, "\(daemon.standardError)")
            #expect(daemon.process.isRunning)

            let holder = try database.connect()
            _ = try RunRecorder(connection: holder).begin(
                RunStart(trigger: .manual, mode: .apply, windowFrom: nil, windowUntil: nil, version: "test"))
            daemon.send(SIGUSR1)
            let locked = listener.next(containing: "STATUS=idle")
            #expect(locked?.contains("lock held by another run; retrying") == true, "\(daemon.standardError)")
            #expect(daemon.standardError.contains("exit 75"))
            holder.close()
            #expect(daemon.process.isRunning)

            daemon.send(SIGTERM)
            #expect(daemon.waitForExit(seconds: 30) == 0, "\(daemon.standardError)")
        }
    }

    @Test(
        arguments: [
            (#"{"catalog": []}"#, TestDatabase.Schema.migrated, "catalog"), (nil, .app, "pending"),
        ] as [(String?, TestDatabase.Schema, String)])
    func aBadStartExitsSeventyEightBeforeReady(text: String?, schema: TestDatabase.Schema, fragment: String)
        async throws
    {
        let simulator = try await SimulatorProcess.start(secret: "daemon-start", arguments: ["--generate", "5"])
        defer { simulator.stop() }
        let config = try RunCommandTests.configFile(text ?? RunCommandTests.configuration)
        defer { try? FileManager.default.removeItem(at: config) }
        try TestDatabase.withFresh(schema: schema) { database in
            let listener = try NotifyListener()
            let daemon = try Self.start(simulator, database, config: config, listener: listener)
            #expect(daemon.waitForExit(seconds: 60) == 78, "\(daemon.standardError)")
            #expect(daemon.standardError.contains(fragment), "\(daemon.standardError)")
            #expect(listener.next(containing: "READY=1", seconds: 1) == nil)
        }
    }

    /// Users whose balance differs from the sum of their transactions.
    static func driftedUsers(_ connection: Connection) throws -> Set<String> {
        Set(
            try connection.query(
                """
                SELECT c."userId" FROM "Credit" c
                LEFT JOIN (SELECT "userId", sum(amount)::bigint AS total FROM "CreditTransaction" GROUP BY 1) t
                  ON t."userId" = c."userId"
                WHERE c.balance <> coalesce(t.total, 0)
                """
            ).map { try $0.decode("userId", as: String.self) })
    }
}
