import Foundation
import LedgerStore
import Logging
import PortOneSimulator
import Postgres
import ReconcilerCore
import ReconcilerEngine
import Reports
import Synchronization
import TestSupport
import Testing
import WireFormat

/// What a run leaves for finance, monitoring and ops, against a generated world: the report in
/// every format, the metrics textfile, the webhook notification (to a loopback receiver, and to
/// none), and the log lines.
@Suite(.serialized) struct RunOutputsTests {
    typealias World = ReconciliationWorldTests

    /// A loopback webhook receiver that records what it is sent.
    final class Receiver: Sendable {
        let server: PortOneSimulator.HTTPServer
        let inbox: Lines

        init() throws {
            let inbox = Lines()
            self.inbox = inbox
            server = PortOneSimulator.HTTPServer { request in
                inbox.append(String(decoding: request.body, as: UTF8.self))
                return .text(200, "ok")
            }
            try server.start(host: "127.0.0.1", port: 0)
        }

        var url: String { "http://127.0.0.1:\(server.port)/services/T000/B000/secret-token" }
        var received: [String] { inbox.lines.withLock { $0 } }
    }

    /// Collects log lines (or received bodies).
    final class Lines: Sendable {
        let lines = Mutex<[String]>([])
        func append(_ line: String) { lines.withLock { $0.append(line) } }
        var text: String { lines.withLock { $0.joined() } }
    }

    static func engine(
        _ simulator: SimulatorProcess, _ database: TestDatabase, folder: URL, webhook: String?, lines: Lines,
        secret: String? = nil
    ) throws -> ReconciliationEngine {
        var policy = Configuration.Policy()
        policy.initialLookback = 40 * 86_400
        policy.maxFixesPerRun = 100_000
        var reports = Configuration.ReportSettings()
        reports.directory = folder.path
        let configuration = Configuration(
            catalog: World.catalog, policy: policy, reports: reports,
            metricsTextfile: folder.appendingPathComponent("credit_reconciler.prom").path, notifyWebhookURL: webhook)
        var settings = ReconciliationEngine.Settings(
            configuration: configuration, storeId: SimulatorProcess.storeId, database: database.ledger)
        settings.reportDirectory = folder.path
        settings.reportFormats = [.json, .csv, .md, .html]
        settings.notifyRetryDelays = [.milliseconds(10), .milliseconds(10)]
        let logger = Logger(
            style: Logger.Style(journald: true, timestamps: false),
            secrets: [simulator.secret] + (webhook.map { [$0, "secret-token"] } ?? []), write: lines.append)
        return ReconciliationEngine(
            settings: settings, client: try simulator.client(secret: secret), now: { World.clock }, logger: logger)
    }

    static func metric(_ name: String, in text: String) -> String? {
        text.split(separator: "\n").first { $0.hasPrefix(name + " ") }.map { String($0.dropFirst(name.count + 1)) }
    }

    @Test func runWritesEveryFormatMetricsAndNotifiesAboutCriticalFindingsAndFailures() async throws {
        try await TestDatabase.withFresh(schema: .app) { database in
            let (simulator, _) = try await World.world(payments: 600, seed: 61, database: database)
            defer { simulator.stop() }
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("outputs-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: folder) }
            let receiver = try Receiver()
            defer { receiver.server.stop() }
            let lines = Lines()
            let engine = try Self.engine(simulator, database, folder: folder, webhook: receiver.url, lines: lines)
            let result = try await engine.run(RunRequest())
            #expect(!(try result.fixes(in: database.url)).isEmpty)

            // Every format on disk is the stored document rendered, 0640.
            let connection = try database.connect()
            defer { connection.close() }
            let stored = try #require(try RunRecorder(connection: connection).report(runId: result.runId))
            let document = try JSONValue.parse(Data(stored.utf8))
            for format in ReportFormat.allCases {
                let path = folder.appendingPathComponent(format.fileName(runId: result.runId)).path
                let written = String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
                #expect(written == format.render(document, json: stored), "\(format)")
                let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber
                #expect(mode?.intValue == 0o640)
            }

            // What finance needs is in the document.
            let fixes = document["fixes"].arrayValue
            let written = try result.fixes(in: database.url)
            #expect(
                fixes.map { $0["paymentId"].stringValue } == written.map(\.paymentId),
                "read back from the database in order")
            #expect(fixes.map { $0["balanceAfter"].integerValue } == written.map(\.balanceAfter))
            // The queue the repairs waited in is emptied when the run ends.
            #expect(
                try connection.queryFirst("SELECT count(*) AS n FROM reconciler.run_repair")!.decode("n") == Int64(0))
            for fix in fixes {
                #expect(fix["userEmail"].stringValue?.contains("@") == true, "\(fix)")
                #expect(fix["payment"]["package"]["credits"].integerValue != nil, "\(fix)")
                #expect(fix["payment"]["paidAt"].stringValue != nil, "\(fix)")
            }
            let entries = document["discrepancies"].arrayValue
            #expect(!entries.isEmpty)
            #expect(entries.allSatisfy { $0["change"].stringValue == "new" })
            #expect(entries.allSatisfy { $0["reviewerAction"].stringValue?.isEmpty == false })
            let reconciliation = document["reconciliation"]
            let explained = reconciliation["explained"].arrayValue.reduce(Int64(0)) {
                $0 + ($1["credits"].integerValue ?? 0)
            }
            #expect(reconciliation["difference"].integerValue == explained)
            // Nothing changed under the run: every credit of the difference has a named reason.
            let reasons = reconciliation["explained"].arrayValue.compactMap { $0["key"].stringValue }
            #expect(!reasons.contains("changedDuringRun"), "\(reconciliation)")
            #expect(reconciliation["creditsGranted"] == document["totals"]["creditsGranted"])
            #expect((reconciliation["paidKRW"].integerValue ?? 0) > 0)
            let days = document["daily"].arrayValue
            #expect(days.count >= 40)
            let repairedInSeries = days.reduce(Int64(0)) { $0 + ($1["repairedPayments"].integerValue ?? 0) }
            #expect(repairedInSeries > 0)

            // Metrics: a successful run is its own last success.
            let metricsPath = folder.appendingPathComponent("credit_reconciler.prom").path
            var metrics = String(decoding: try Data(contentsOf: URL(fileURLWithPath: metricsPath)), as: UTF8.self)
            let finished = try #require(try RunRecorder(connection: connection).run(id: result.runId)?.finishedAt)
            let success = String(Int64(finished.timeIntervalSince1970.rounded(.down)))
            #expect(Self.metric("credit_reconciler_last_success_timestamp_seconds", in: metrics) == success)
            #expect(metrics.contains("credit_reconciler_run_status{status=\"succeeded\"} 1\n"))
            #expect(
                Self.metric("credit_reconciler_payments_scanned", in: metrics) == "\(result.totals.paymentsScanned)")

            // Why each repair was needed, in the fixes and the metrics.
            for fix in fixes {
                let why = fix["kind"].stringValue == "MISSED_GRANT" ? fix["cause"] : fix["origin"]
                #expect(why.stringValue != nil, "\(fix)")
            }
            let grants = fixes.filter { $0["kind"].stringValue == "MISSED_GRANT" }.count
            let byCause = GrantCause.Kind.allCases.compactMap {
                Self.metric("credit_reconciler_grants_by_cause{cause=\"\($0.rawValue)\"}", in: metrics).flatMap {
                    Int($0)
                }
            }
            #expect(byCause.count == GrantCause.Kind.allCases.count && byCause.reduce(0, +) == grants)

            // The webhook got one summary, in the report's language (ko): new critical discrepancies.
            #expect(receiver.received.count == 1)
            let body = try JSONValue.parse(Data(try #require(receiver.received.first).utf8))
            #expect(body["text"].stringValue?.contains("신규 심각 불일치") == true)

            // A failing run: notified, metrics say failed and keep the last success.
            let failing = try Self.engine(
                simulator, database, folder: folder, webhook: receiver.url, lines: lines, secret: "wrong-secret")
            await #expect(throws: RunFailure.self) { _ = try await failing.run(RunRequest()) }
            metrics = String(decoding: try Data(contentsOf: URL(fileURLWithPath: metricsPath)), as: UTF8.self)
            #expect(metrics.contains("credit_reconciler_run_status{status=\"failed\"} 1\n"))
            #expect(metrics.contains("credit_reconciler_run_status{status=\"succeeded\"} 0\n"))
            #expect(Self.metric("credit_reconciler_last_success_timestamp_seconds", in: metrics) == success)
            #expect(receiver.received.count == 2)
            #expect(receiver.received.last?.contains("실패") == true)

            // Log lines: journald priorities, key=value, no secret, no webhook path.
            let log = lines.text
            #expect(log.contains("<5>run succeeded run=\(result.runId) "))
            #expect(log.contains("<3>run failed run="))
            #expect(log.contains("<6>notification sent run=\(result.runId) host=127.0.0.1"))
            #expect(!log.contains(simulator.secret))
            #expect(!log.contains("secret-token"))
        }
    }

    /// The report files are written from the same reading as the stored report; a directory
    /// that cannot be written is logged and the run is still recorded with its whole report.
    @Test func aReportDirectoryThatCannotBeWrittenIsLoggedAndTheRunIsStillRecorded() async throws {
        try await TestDatabase.withFresh(schema: .app) { database in
            let (simulator, _) = try await World.world(payments: 300, seed: 63, database: database)
            defer { simulator.stop() }
            // A regular file where the report directory's parent should be: nothing can be created under it.
            let blocker = FileManager.default.temporaryDirectory.appendingPathComponent("outputs-\(UUID().uuidString)")
            try Data("not a directory".utf8).write(to: blocker)
            defer { try? FileManager.default.removeItem(at: blocker) }
            let lines = Lines()
            let engine = try Self.engine(
                simulator, database, folder: blocker.appendingPathComponent("reports"), webhook: nil, lines: lines)
            let result = try await engine.run(RunRequest())
            #expect(result.outcome == .succeeded)
            let connection = try database.connect()
            defer { connection.close() }
            let stored = try #require(try RunRecorder(connection: connection).report(runId: result.runId))
            let document = try JSONValue.parse(Data(stored.utf8))
            let fixes = try result.fixes(in: database.url)
            #expect(!fixes.isEmpty)
            #expect(document["fixes"].arrayValue.map { $0["paymentId"].stringValue } == fixes.map(\.paymentId))
            let log = lines.text
            #expect(log.contains("<3>report files not written"), "\(log)")
            #expect(log.contains("<5>run succeeded run=\(result.runId) "))
            #expect(!log.contains("report written"))
        }
    }

    @Test func aReceiverThatIsDownIsLoggedAndTheRunStillSucceeds() async throws {
        try await TestDatabase.withFresh(schema: .app) { database in
            let (simulator, _) = try await World.world(payments: 200, seed: 62, database: database)
            defer { simulator.stop() }
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("outputs-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: folder) }
            // A port that was just free: nothing listens there any more.
            let gone = try Receiver()
            let url = gone.url
            gone.server.stop()
            let lines = Lines()
            let engine = try Self.engine(simulator, database, folder: folder, webhook: url, lines: lines)
            let result = try await engine.run(RunRequest())
            #expect(result.outcome == .succeeded)
            #expect(result.totals.discrepanciesNew > 0)
            let log = lines.text
            #expect(log.contains("<4>notification not delivered"), "\(log)")
            #expect(log.contains("host=127.0.0.1"))
            #expect(!log.contains("secret-token"))
            #expect(!log.contains("notification sent"))
        }
    }
}

/// A run that cannot even be recorded (no database) still tells monitoring and ops.
@Suite struct UnrecordedFailureOutputsTests {
    @Test func metricsSayFailedKeepingTheLastSuccessAndOpsAreNotified() async throws {
        let simulator = try await SimulatorProcess.start(
            secret: "outputs-secret", arguments: ["--generate", "1", "--seed", "1"])
        defer { simulator.stop() }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("unrecorded-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let metricsPath = folder.appendingPathComponent("credit_reconciler.prom").path
        try Data("credit_reconciler_last_success_timestamp_seconds 1790000000\n".utf8).write(
            to: URL(fileURLWithPath: metricsPath))
        let receiver = try RunOutputsTests.Receiver()
        defer { receiver.server.stop() }
        let configuration = Configuration(
            catalog: ReconciliationWorldTests.catalog, metricsTextfile: metricsPath, notifyWebhookURL: receiver.url)
        let settings = ReconciliationEngine.Settings(
            configuration: configuration, storeId: SimulatorProcess.storeId,
            database: LedgerDatabase(
                url: try DatabaseURL(parsing: "postgresql://nobody:pw@127.0.0.1:1/none?connect_timeout=2")))
        let lines = RunOutputsTests.Lines()
        let engine = ReconciliationEngine(
            settings: settings, client: try simulator.client(),
            logger: Logger(style: Logger.Style(journald: false, timestamps: false), write: lines.append))
        await #expect(throws: RunFailure.self) { _ = try await engine.run(RunRequest()) }
        let metrics = String(decoding: try Data(contentsOf: URL(fileURLWithPath: metricsPath)), as: UTF8.self)
        #expect(metrics.contains("credit_reconciler_run_status{status=\"failed\"} 1\n"))
        #expect(metrics.contains("credit_reconciler_last_success_timestamp_seconds 1790000000\n"))
        #expect(receiver.received.count == 1)
        #expect(receiver.received.first?.contains("failed before it could be recorded") == true)
        #expect(lines.text.contains("notification sent run=none"))
    }
}
