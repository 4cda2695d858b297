import Foundation
import ReconcilerCore
import Reports
import Testing

/// Every format of the fixture report against a checked-in golden file. A deliberate change of
/// a format: run with `UPDATE_GOLDEN=1`, review the diff of `Tests/ReportsTests/Golden`, commit.
@Suite struct GoldenReportTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    static func check(_ text: String, against name: String) throws {
        let url = folder.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        let golden = String(decoding: try Data(contentsOf: url), as: UTF8.self)
        if golden != text {
            let ours = text.components(separatedBy: "\n")
            let theirs = golden.components(separatedBy: "\n")
            let line = Array(zip(ours, theirs)).firstIndex { $0 != $1 } ?? min(ours.count, theirs.count)
            Issue.record(
                "\(name) differs from the golden file at line \(line + 1):\n got: \(line < ours.count ? ours[line] : "<end>")\nwant: \(line < theirs.count ? theirs[line] : "<end>")"
            )
        }
    }

    @Test(
        arguments: [
            ("ko", ReportFormat.json), ("ko", .csv), ("ko", .md), ("ko", .html), ("en", .csv), ("en", .md),
            ("en", .html),
        ])
    func formatMatchesGoldenFile(locale: String, format: ReportFormat) throws {
        let document = ReportFixture.report(locale: locale).document
        let text = format.render(document, json: document.serialized())
        try Self.check(text, against: "run-7.\(locale).\(format.rawValue)")
    }

    @Test func failedRunRendersItsErrorInEveryFormat() throws {
        let document = ReportFixture.report(
            locale: "en", status: .failed, error: "PortOne is unavailable: <b>503</b> after 5 attempts"
        ).document
        let html = ReportFormat.html.render(document, json: "")
        #expect(html.contains("PortOne is unavailable: &lt;b&gt;503&lt;/b&gt; after 5 attempts"))
        #expect(html.contains("class=\"status failed\""))
        let markdown = ReportFormat.md.render(document, json: "")
        #expect(markdown.hasPrefix("# credit-reconciler run 7: failed"))
        #expect(markdown.contains("**error:** PortOne is unavailable"))
    }
}

/// The sentence on the run's sources, in both languages and both states, in Markdown and HTML;
/// the JSON keeps the structured values and the metrics carry them.
@Suite struct ReportSourcesTests {
    @Test(
        arguments: [
            (
                "en", EventsFeedStatus.read,
                "PortOne's journal of payment events: read (1,214 events, 2 payments"
            ),
            ("ko", .read, "PortOne 결제 이벤트 기록: 읽음 (이벤트 1,214건, 상태 변경 조회에 없던 결제 2건)"),
            (
                "en", .unavailable(reason: "HTTP 404 <x>"),
                "unavailable — reconciled by the status scan alone (reason: HTTP 404"
            ),
            ("ko", .unavailable(reason: "HTTP 404 <x>"), "읽지 못함 — 상태 변경 조회만으로 대사했습니다 (이유: HTTP 404"),
        ])
    func sentence(locale: String, feed: EventsFeedStatus, expected: String) throws {
        var report = ReportFixture.report(locale: locale)
        report.sources = RunReport.Sources(eventsFeed: feed, eventsRead: 1_214, paymentsRevealed: 2)
        let document = report.document
        #expect(MarkdownReport.render(document).contains(expected))
        let html = HTMLReport.render(document)
        #expect(html.contains(expected.replacingOccurrences(of: "'", with: "&#39;")))
        #expect(!html.contains("<x>"), "the reason is escaped")
        #expect(RunReport.Sources(document: document) == report.sources)
        let metrics = MetricsFile(document: document, lastSuccess: nil).text
        #expect(metrics.contains("credit_reconciler_events_read 1214\n"))
        #expect(metrics.contains("credit_reconciler_payments_revealed_by_events 2\n"))
        #expect(metrics.contains("credit_reconciler_events_feed_available \(feed == .read ? 1 : 0)\n"))
    }

    @Test(
        "the daemon's follow loop as the next run's report states it",
        arguments: [
            (
                "en", EventsFeedStatus.read,
                "The daemon's follow loop: reading the journal (last tick 2026-12-04 21:00:05 KST)"
            ),
            ("ko", .read, "데몬의 실시간 추적: 이벤트 기록을 읽는 중 (마지막 확인 2026-12-04 21:00:05 KST)"),
            (
                "en", .unavailable(reason: "HTTP 404 <x>"),
                "the journal is unavailable, following the status scan of the last minutes instead (last tick 2026-12-04 21:00:05 KST, reason: HTTP 404"
            ),
            (
                "ko", .unavailable(reason: "HTTP 404 <x>"),
                "이벤트 기록을 읽지 못해 최근 상태 변경 조회로 대신하는 중 (마지막 확인 2026-12-04 21:00:05 KST, 이유: HTTP 404"
            ),
        ])
    func followLoop(locale: String, feed: EventsFeedStatus, expected: String) throws {
        var report = ReportFixture.report(locale: locale)
        let tick = Date(timeIntervalSince1970: 1_796_385_605)  // 2026-12-04T12:00:05Z
        report.sources = RunReport.Sources(
            eventsFeed: .read, eventsRead: 10, paymentsRevealed: 0,
            followLoop: RunReport.Sources.FollowLoop(eventsFeed: feed, lastTickAt: tick, caughtUpTo: tick))
        let document = report.document
        #expect(document["sources"]["followLoop"]["eventsFeed"].stringValue == feed.name)
        #expect(MarkdownReport.render(document).contains(expected))
        #expect(HTMLReport.render(document).contains(expected.replacingOccurrences(of: "'", with: "&#39;")))
        #expect(!HTMLReport.render(document).contains("<x>"), "the reason is escaped")
        #expect(RunReport.Sources(document: document) == report.sources)
    }

    @Test func withoutADaemonTheSourcesCarryNoFollowLoop() {
        var report = ReportFixture.report(locale: "en")
        report.sources = RunReport.Sources(eventsFeed: .read, eventsRead: 10, paymentsRevealed: 0)
        let document = report.document
        #expect(document["sources"]["followLoop"] == .null)
        #expect(!MarkdownReport.render(document).contains("follow loop"))
    }

    @Test func aRunByPaymentIdHasNoSources() {
        var report = ReportFixture.report(locale: "en")
        report.sources = nil
        let document = report.document
        #expect(document["sources"] == .null)
        #expect(RunReport.Sources(document: document) == nil)
        #expect(!MetricsFile(document: document, lastSuccess: nil).text.contains("events_read"))
    }
}
