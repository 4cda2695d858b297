import Foundation
import LedgerStore
import Logging
import PortOneSimulator
import Postgres
import ReconcilerCore
import ReconcilerEngine
import Reports
import TestSupport
import Testing
import WireFormat

/// The report e-mail against the loopback SMTP sink (`scripts/smtp-sink`): what arrives parses
/// into its parts, the Korean subject is encoded, nothing secret is in it or in the log; a mail
/// server that is down or offers no STARTTLS leaves the run succeeded and the mail pending, and
/// the next run sends it.
@Suite(.serialized) struct ReportMailTests {
    typealias World = ReconciliationWorldTests
    typealias Lines = RunOutputsTests.Lines

    static let password = "smtp-pass-9f3b2c"

    static func engine(
        _ simulator: SimulatorProcess, _ database: TestDatabase, smtpURL: String, caFile: String?, lines: Lines,
        when: ReportMailSettings.When = .always
    ) throws -> ReconciliationEngine {
        var settings = World.settings(database) { _, reports in
            reports.email.to = ["finance@example.com", "cfo@example.co.kr"]
            reports.email.from = "reconciler@example.com"
            reports.email.when = when
        }
        try settings.mailReports(through: smtpURL, caFile: caFile)
        let logger = Logger(
            style: Logger.Style(journald: false, timestamps: false), secrets: [], write: lines.append)
        return ReconciliationEngine(
            settings: settings, client: try simulator.client(), now: { World.clock }, logger: logger)
    }

    static func pending(_ database: TestDatabase) throws -> [PendingReportMail] {
        let connection = try database.connect()
        defer { connection.close() }
        return try ReportMailOutbox(connection: connection).pending()
    }

    static func checkMessage(_ message: SMTPSink.Message, runId: Int64, simulator: SimulatorProcess) throws {
        #expect(message.from == "reconciler@example.com")
        #expect(message.to == ["finance@example.com", "cfo@example.co.kr"])
        #expect(message.tls)
        let parsed = MIMEReader.split(message.text)
        let subject = MIMEReader.decodeWords(try #require(parsed.headers["subject"]))
        #expect(subject.hasPrefix("[credit-reconciler] 정산 실행 #\(runId) 성공"), "\(subject)")
        #expect(parsed.headers["subject"]?.hasPrefix("=?UTF-8?B?") == true)
        let top = MIMEReader.parts(parsed)
        #expect(top.count == 2)
        let alternatives = MIMEReader.parts(top[0])
        let text = String(decoding: MIMEReader.decodedBody(alternatives[0]), as: UTF8.self)
        let html = String(decoding: MIMEReader.decodedBody(alternatives[1]), as: UTF8.self)
        let csv = String(decoding: MIMEReader.decodedBody(top[1]), as: UTF8.self)
        #expect(text.contains("\(runId)"))
        #expect(html.hasPrefix("<!DOCTYPE html>") || html.hasPrefix("<!doctype html>"))
        #expect(csv.hasPrefix("\u{FEFF}"))
        #expect(top[1].headers["content-disposition"] == "attachment; filename=\"run-\(runId).csv\"")
        for secret in [password, simulator.secret] {
            #expect(!message.text.contains(secret))
            #expect(!text.contains(secret) && !html.contains(secret) && !csv.contains(secret))
        }
    }

    @Test(arguments: [SMTPSink.TLS.startTLS, .implicit])
    func aRunMailsItsReportThroughTLS(tls: SMTPSink.TLS) async throws {
        try await TestDatabase.withFresh(schema: .app) { database in
            let (simulator, _) = try await World.world(payments: 120, seed: 71, database: database)
            defer { simulator.stop() }
            let sink = try SMTPSink(tls: tls)
            defer { sink.remove() }
            let scheme = tls == .implicit ? "smtps" : "smtp"
            let lines = Lines()
            let engine = try Self.engine(
                simulator, database, smtpURL: "\(scheme)://reports:\(Self.password)@127.0.0.1:\(sink.port)",
                caFile: sink.certificate, lines: lines)
            let result = try await engine.run(RunRequest())
            let messages = sink.messages()
            try #require(messages.count == 1, "\(lines.text)")
            #expect(messages[0].startTLS == (tls == .startTLS))
            try Self.checkMessage(messages[0], runId: result.runId, simulator: simulator)
            #expect(try Self.pending(database).isEmpty)
            #expect(lines.text.contains("report e-mail sent"))
            #expect(!lines.text.contains(Self.password))
        }
    }

    @Test func aMailServerThatIsDownOrRefusesTLSLeavesTheMailForTheNextRun() async throws {
        try await TestDatabase.withFresh(schema: .app) { database in
            let (simulator, _) = try await World.world(payments: 80, seed: 72, database: database)
            defer { simulator.stop() }
            // A sink with no TLS: the client must not send in clear text.
            let plain = try SMTPSink(tls: .none)
            let lines = Lines()
            let url = "smtp://reports:\(Self.password)@127.0.0.1:\(plain.port)"
            let first = try await Self.engine(simulator, database, smtpURL: url, caFile: nil, lines: lines)
                .run(RunRequest())
            #expect(first.outcome == .succeeded)
            #expect(plain.messages().isEmpty)
            plain.remove()
            #expect(lines.text.contains("does not offer STARTTLS"), "\(lines.text)")
            #expect(try Self.pending(database).map(\.runId) == [first.runId])

            // Nothing listens on the port now: the next run succeeds, its mail waits too.
            let second = try await Self.engine(simulator, database, smtpURL: url, caFile: nil, lines: lines)
                .run(RunRequest())
            #expect(second.outcome == .succeeded)
            #expect(try Self.pending(database).map(\.runId) == [first.runId, second.runId])
            #expect(lines.text.contains("the next run tries again"))
            #expect(!lines.text.contains(Self.password))

            // A working server: the third run sends all three, oldest first.
            let sink = try SMTPSink(tls: .startTLS)
            defer { sink.remove() }
            let third = try await Self.engine(
                simulator, database, smtpURL: "smtp://reports:\(Self.password)@127.0.0.1:\(sink.port)",
                caFile: sink.certificate, lines: lines
            ).run(RunRequest())
            let messages = sink.messages()
            #expect(try Self.pending(database).isEmpty)
            try #require(messages.count == 3)
            for (message, run) in zip(messages, [first, second, third]) {
                try Self.checkMessage(message, runId: run.runId, simulator: simulator)
            }
        }
    }

    @Test func whenDiscrepanciesSkipsAQuietRun() async throws {
        try await TestDatabase.withFresh(schema: .app) { database in
            let (simulator, _) = try await World.world(payments: 60, seed: 73, database: database)
            defer { simulator.stop() }
            let sink = try SMTPSink(tls: .startTLS)
            defer { sink.remove() }
            let lines = Lines()
            let url = "smtp://127.0.0.1:\(sink.port)"
            let engine = try Self.engine(
                simulator, database, smtpURL: url, caFile: sink.certificate, lines: lines, when: .discrepancies)
            let first = try await engine.run(RunRequest())
            let mailedFirst = first.totals.discrepanciesNew > 0
            #expect(sink.messages().count == (mailedFirst ? 1 : 0))
            // The same window again finds nothing new: no mail.
            _ = try await engine.run(RunRequest())
            #expect(sink.messages().count == (mailedFirst ? 1 : 0))
        }
    }
}
