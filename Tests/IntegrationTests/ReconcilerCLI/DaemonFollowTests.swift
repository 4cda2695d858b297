import Foundation
import LedgerStore
import Postgres
import ReconcilerCore
import TestSupport
import Testing
import WireFormat

/// The daemon's follow loop as systemd runs it (DESIGN §4.4a, §8): the built binary granting a
/// payment whose webhook was lost seconds after its PAID event, `STATUS=`, `status` and the
/// follow metrics saying how far behind it is, and `kill -9` in the middle of a tick.
@Suite(.serialized) struct DaemonFollowTests {
    typealias World = ReconciliationWorldTests

    /// The test configuration, following every second with a two-second grace.
    static func configuration(metrics: URL? = nil, interval: String = "1s", grace: String = "2s") -> String {
        var text = RunCommandTests.configuration.replacingOccurrences(
            of: #""follow": {"enabled": false}"#,
            with: #""follow": {"enabled": true, "interval": "\#(interval)", "grace": "\#(grace)"}"#)
        if let metrics {
            text = text.replacingOccurrences(
                of: #""policy":"#, with: #""metrics": {"textfile": "\#(metrics.path)"}, "policy":"#)
        }
        return text
    }

    /// Polls `condition`; on a timeout the failure carries what the daemon logged.
    static func wait(
        _ what: String, _ daemon: BackgroundProduct, timeout: Duration = .seconds(120),
        _ condition: () async throws -> Bool
    ) async throws {
        do {
            try await Poll.until(what, timeout: timeout, every: .milliseconds(20), condition)
        } catch let timeout as PollTimeout {
            Issue.record("\(timeout); the daemon logged:\n\(daemon.standardError)")
            throw timeout
        }
    }

    /// Sends `signal` to `daemon` the moment a tick of it is recorded running (its run started,
    /// not yet finished). Watched and sent from a thread of its own (ProgressWatch): a poll on the
    /// busy concurrency pool can lose the seconds a tick takes, and the tick is over by then.
    static func signalDuringATick(_ daemon: BackgroundProduct, _ database: TestDatabase, _ signal: Int32) async throws {
        let pid = daemon.process.processIdentifier
        let sent = try await ProgressWatch.act(
            "a tick is running", watching: pid, database: database.url, timeout: .seconds(120),
            when: { connection in
                let running: Int64 = try connection.queryFirst(
                    "SELECT count(*) AS n FROM reconciler.run WHERE trigger = 'follow' AND status = 'running'")!
                    .decode("n")
                return running == 1
            },
            then: { _ in kill(pid, signal) })
        #expect(sent == 0, "the daemon was signalled in the middle of a tick: \(daemon.standardError)")
    }

    /// Purchase rows per payment among `ids`.
    static func purchases(_ ids: [String], _ connection: Connection) throws -> [String: Int64] {
        var rows: [String: Int64] = [:]
        for row in try connection.query(
            """
            SELECT "paymentId" AS id, count(*) AS n FROM "CreditTransaction"
            WHERE type = 'PURCHASE' AND "paymentId" = ANY($1::text[]) GROUP BY 1
            """, ["{" + ids.joined(separator: ",") + "}"])
        {
            rows[try row.decode("id")] = try row.decode("n")
        }
        return rows
    }

    @Test func grantsALostWebhookWithinSecondsAndSaysHowFarBehindItIs() async throws {
        try await TestDatabase.withFresh(schema: .app) { database in
            let (simulator, _) = try await World.world(
                payments: 300, seed: 61, database: database, end: .init(Date().addingTimeInterval(-7200)))
            defer { simulator.stop() }
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("follow-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let metrics = folder.appendingPathComponent("credit_reconciler.prom")
            let config = try RunCommandTests.configFile(Self.configuration(metrics: metrics))
            defer { try? FileManager.default.removeItem(at: config) }
            let listener = try NotifyListener()
            let daemon = try DaemonCommandTests.start(simulator, database, config: config, listener: listener)
            #expect(listener.next(containing: "READY=1") != nil, "\(daemon.standardError)")
            try await Poll.until("the daemon says it follows the journal", timeout: .seconds(30)) {
                daemon.standardError.contains("following PortOne's journal every 1 s")
            }

            let connection = try database.connect()
            defer { connection.close() }
            let ids = try await FollowTickTests.newPaidWithoutGrant(
                simulator, connection, count: 3, paidAt: .init(Date()), tag: "daemon")
            try await Self.wait("the follow loop grants the three payments", daemon) {
                try Self.purchases(ids, connection).count == 3
            }
            #expect(try Self.purchases(ids, connection).values.allSatisfy { $0 == 1 }, "granted once each")
            let status = listener.next(containing: "repairs")
            #expect(status?.contains("follow: ") == true, "\(listener.messages)")

            // `status` says where the loop stands; the follow metrics file says it to Prometheus.
            let environment = RunCommandTests.environment(simulator, database, configFile: config)
            let shown = try ProductProcess.run("credit-reconciler", ["status"], environment: environment)
            #expect(shown.status == 0, "\(shown.standardError)")
            #expect(shown.standardOutput.contains("follow loop: reading PortOne's journal"), "\(shown.standardOutput)")
            #expect(shown.standardOutput.contains("behind: "))
            #expect(shown.standardOutput.contains("repairs"))
            let followMetrics = folder.appendingPathComponent("credit_reconciler_follow.prom")
            try await Poll.until("the follow metrics are written", timeout: .seconds(30)) {
                FileManager.default.fileExists(atPath: followMetrics.path)
            }
            let text = try String(contentsOf: followMetrics, encoding: .utf8)
            #expect(text.contains("credit_reconciler_follow_lag_seconds "))
            #expect(text.contains("credit_reconciler_follow_events_feed_available 1"))
            #expect(text.contains("credit_reconciler_follow_fixes_applied_total "))
            #expect(!FileManager.default.fileExists(atPath: metrics.path), "ticks leave the runs' metrics file alone")

            daemon.send(SIGTERM)
            #expect(daemon.waitForExit(seconds: 30) == 0, "\(daemon.standardError)")
            #expect(!daemon.standardError.contains(simulator.secret))
        }
    }

    @Test func killedInTheMiddleOfATickItLosesNothingAndDoublesNothing() async throws {
        try await TestDatabase.withFresh(schema: .app) { database in
            let (simulator, _) = try await World.world(
                payments: 300, seed: 62, database: database, end: .init(Date().addingTimeInterval(-7200)))
            defer { simulator.stop() }
            let config = try RunCommandTests.configFile(Self.configuration())
            defer { try? FileManager.default.removeItem(at: config) }
            let connection = try database.connect()
            defer { connection.close() }
            let ids = try await FollowTickTests.newPaidWithoutGrant(
                simulator, connection, count: 12, paidAt: .init(Date().addingTimeInterval(-10)), tag: "kill")
            // Every PortOne request is slow: a tick that re-fetches twelve payments takes seconds.
            try await simulator.setFaults(["latencyMs": 1000])
            let listener = try NotifyListener()
            let daemon = try DaemonCommandTests.start(simulator, database, config: config, listener: listener)
            try await Self.signalDuringATick(daemon, database, SIGKILL)
            _ = daemon.waitForExit(seconds: 30)
            #expect(try Self.purchases(ids, connection).values.allSatisfy { $0 == 1 })

            try await simulator.setFaults([:])
            let restarted = try DaemonCommandTests.start(simulator, database, config: config, listener: listener)
            try await Self.wait("the restarted daemon grants the rest", restarted) {
                try Self.purchases(ids, connection).count == ids.count
            }
            #expect(try Self.purchases(ids, connection).values.allSatisfy { $0 == 1 }, "nothing granted twice")
            let fixes: Int64 = try connection.queryFirst(
                "SELECT count(*) AS n FROM reconciler.fix WHERE payment_id = ANY($1::text[])",
                ["{" + ids.joined(separator: ",") + "}"])!.decode("n")
            #expect(fixes == Int64(ids.count))
            let abandoned: Int64 = try connection.queryFirst(
                "SELECT count(*) AS n FROM reconciler.run WHERE trigger = 'follow' AND status = 'abandoned'")!.decode(
                    "n")
            #expect(abandoned == 1, "the killed tick is marked abandoned by the next one")
            try await Poll.until("the cursor moves past the granted payments", timeout: .seconds(30)) {
                let cursor: String?? = try connection.queryFirst("SELECT cursor FROM reconciler.follow_cursor")?.decode(
                    "cursor")
                return cursor??.isEmpty == false
            }
            restarted.send(SIGTERM)
            #expect(restarted.waitForExit(seconds: 30) == 0, "\(restarted.standardError)")
        }
    }

    @Test func sighupAppliesNewFollowSettingsAndSigtermEndsATickCleanly() async throws {
        try await TestDatabase.withFresh(schema: .app) { database in
            let (simulator, _) = try await World.world(
                payments: 300, seed: 63, database: database, end: .init(Date().addingTimeInterval(-7200)))
            defer { simulator.stop() }
            let config = try RunCommandTests.configFile(RunCommandTests.configuration)
            defer { try? FileManager.default.removeItem(at: config) }
            let listener = try NotifyListener()
            let daemon = try DaemonCommandTests.start(simulator, database, config: config, listener: listener)
            #expect(listener.next(containing: "READY=1")?.contains("follow: off") == true, "\(daemon.standardError)")

            // Following switched on by a reload, with slow PortOne answers: a tick takes seconds.
            let connection = try database.connect()
            defer { connection.close() }
            let ids = try await FollowTickTests.newPaidWithoutGrant(
                simulator, connection, count: 12, paidAt: .init(Date().addingTimeInterval(-10)), tag: "term")
            try await simulator.setFaults(["latencyMs": 1000])
            try Data(Self.configuration().utf8).write(to: config)
            daemon.send(SIGHUP)
            #expect(listener.next(containing: "RELOADING=1") != nil)
            try await Self.signalDuringATick(daemon, database, SIGTERM)
            #expect(daemon.waitForExit(seconds: 60) == 0, "\(daemon.standardError)")
            #expect(daemon.standardError.contains("stopping after the follow loop's tick in progress"))
            let statuses = try connection.query("SELECT status FROM reconciler.run WHERE trigger = 'follow'").map {
                try $0.decode("status", as: String.self)
            }
            #expect(statuses == ["aborted"], "the tick is recorded aborted, not left running: \(statuses)")
            // Each repair it made is whole, and the cursor did not pass the payments left.
            let granted = try Self.purchases(ids, connection)
            #expect(granted.values.allSatisfy { $0 == 1 })
            let cursor: String?? = try connection.queryFirst("SELECT cursor FROM reconciler.follow_cursor")?.decode(
                "cursor")
            #expect(cursor == nil || cursor! == nil, "an aborted tick does not move the cursor")
        }
    }
}
