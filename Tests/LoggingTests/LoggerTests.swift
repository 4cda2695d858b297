import Foundation
import Logging
import Synchronization
import Testing

/// Log lines: one per event, journald prefixes, terminal timestamps, key=value, redaction.
@Suite struct LoggerTests {
    final class Lines: Sendable {
        let lines = Mutex<[String]>([])
        func append(_ line: String) { lines.withLock { $0.append(line) } }
        var all: [String] { lines.withLock { $0 } }
    }

    static let clock: @Sendable () -> Date = { Date(timeIntervalSince1970: 1_790_000_000.25) }

    @Test func journaldLinesCarryThePriorityAndNoTimestamp() {
        let sink = Lines()
        let logger = Logger(
            style: Logger.Style(journald: true, timestamps: false), clock: Self.clock, write: sink.append)
        logger.log(.error, "run failed", ["run": "3", "error": "PortOne said \"no\""])
        logger.log(.info, "scan done", ["pages": "12"])
        #expect(sink.all == ["<3>run failed run=3 error=\"PortOne said \\\"no\\\"\"\n", "<6>scan done pages=12\n"])
    }

    @Test func terminalLinesStartWithATimestampAndLevel() {
        let sink = Lines()
        let logger = Logger(
            style: Logger.Style(journald: false, timestamps: true), clock: Self.clock, write: sink.append)
        logger.log(.notice, "run started\nsecond line", ["mode": "dry-run", "empty": ""])
        #expect(sink.all == ["2026-09-21T14:13:20.250Z notice run started second line mode=dry-run empty=\"\"\n"])
    }

    @Test func secretsNeverReachTheOutput() {
        let sink = Lines()
        let logger = Logger(
            style: Logger.Style(journald: false, timestamps: false),
            secrets: ["sk_live_ABCDEF123", "p@ss word", "x"], write: sink.append)
        logger.log(.warning, "request with sk_live_ABCDEF123 failed", ["url": "postgresql://u:p%40ss%20word@db/x"])
        logger.log(.error, "password p@ss word")
        let text = sink.all.joined()
        #expect(!text.contains("sk_live_ABCDEF123"))
        #expect(!text.contains("p@ss word"))
        #expect(!text.contains("p%40ss%20word"))
        #expect(text.contains("[redacted]"))
        // A one-letter "secret" is not redacted: it would blank out ordinary text.
        #expect(text.contains("request with"))
    }

    @Test(arguments: [
        ("plain", "plain"), ("two words", "\"two words\""), ("", "\"\""), ("a=b", "\"a=b\""), ("tab\t", "\"tab\\t\""),
        ("한글", "한글"), ("back\\slash", "\"back\\\\slash\""),
    ])
    func valuesAreQuotedWhenNeeded(value: String, written: String) {
        #expect(Logger.quoted(value) == written)
    }
}
