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

    @Test(arguments: [("ko", ReportFormat.json), ("ko", .csv), ("ko", .md), ("ko", .html), ("en", .csv), ("en", .md)])
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
