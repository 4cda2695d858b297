import Foundation
import ReconcilerCore
import Reports
import Testing

/// The report files as a run writes them (`RunReport.write`: entry by entry, the entries read
/// from streams) are byte for byte what the document renders (the golden files' path).
@Suite struct ReportStreamingTests {
    /// `report`'s text in `format` from the whole document.
    static func rendered(_ report: RunReport, _ format: ReportFormat) -> String {
        let document = report.document
        return format.render(document, json: document.serialized())
    }

    /// `report`'s text in `format` written by `RunReport.write`, the entries moved into streams
    /// (read twice over when a format reads them twice), as a run writes its files.
    static func streamed(_ report: RunReport, _ format: ReportFormat) throws -> String {
        var stripped = report
        stripped.fixes = []
        stripped.discrepancies = []
        let fixes = report.fixes
        let byId = report.discrepancies  // the document's order, as a run reads them (by id)
        let sorted = report.discrepancies.sorted {
            ($0.severity, $0.kind.rawValue, $0.id) < ($1.severity, $1.kind.rawValue, $1.id)
        }
        var changes: [String: Int] = [:]
        for entry in report.discrepancies {
            changes[RunReport.change(of: entry, runId: report.run.id), default: 0] += 1
        }
        let streams = RunReport.Streams(
            fixes: { each in for fix in fixes { try each(fix) } },
            discrepancies: { each in for entry in byId { try each(entry) } }, changes: changes)
        var text = ""
        var pieces = 0
        let sortedEntries: RunReport.DiscrepancyEntries = { each in for entry in sorted { try each(entry) } }
        try stripped.write(format, streams: streams, sortedDiscrepancies: sortedEntries) { piece in
            text += piece
            pieces += 1
        }
        #expect(pieces >= 1)
        return text
    }

    /// The fixture report with its lists grown past what the HTML and Markdown pages show
    /// (``HTMLReport/rowLimit``), its discrepancies in no particular order.
    static func large(locale: String) -> RunReport {
        var report = ReportFixture.report(locale: locale)
        let fixes = report.fixes
        let entries = report.discrepancies
        let planned = report.plannedFixes
        var generator = SystemRandomNumberGenerator()
        for copy in 1...120 {
            for var fix in fixes {
                fix.paymentId += "-\(copy)"
                report.fixes.append(fix)
            }
            for var entry in entries {
                entry.id += Int64(copy * 1_000)
                report.discrepancies.append(entry)
            }
            for var repair in planned {
                repair.repair.paymentId += "-\(copy)"
                report.plannedFixes.append(repair)
            }
        }
        report.discrepancies.shuffle(using: &generator)
        return report
    }

    @Test(
        arguments: [
            ("ko", ReportFormat.json), ("ko", .csv), ("ko", .md), ("ko", .html), ("en", .json), ("en", .csv),
            ("en", .md), ("en", .html),
        ])
    func streamedFilesEqualTheRenderedDocument(locale: String, format: ReportFormat) throws {
        for report in [ReportFixture.report(locale: locale), Self.large(locale: locale)] {
            let expected = Self.rendered(report, format)
            #expect(try Self.streamed(report, format) == expected)
            var inMemory = ""
            try report.write(format) { inMemory += $0 }
            #expect(inMemory == expected, "the report's own entries, without streams")
        }
    }

    @Test func largeReportShowsTheListLimits() throws {
        let report = Self.large(locale: "en")
        #expect(report.fixes.count > HTMLReport.rowLimit)
        #expect(report.discrepancies.count > HTMLReport.rowLimit)
        let html = try Self.streamed(report, .html)
        #expect(html.contains("<p class=\"more\">… \(report.fixes.count - HTMLReport.rowLimit) more"))
        let markdown = try Self.streamed(report, .md)
        #expect(markdown.contains("… \(report.discrepancies.count - MarkdownReport.listLimit) more"))
        let csv = try Self.streamed(report, .csv)
        let lines = csv.components(separatedBy: "\r\n").count - 2
        #expect(lines == report.fixes.count + report.plannedFixes.count + report.discrepancies.count)
    }

    @Test func allFormatsWrittenAtOnceEqualTheRenderedDocument() throws {
        for locale in ["ko", "en"] {
            let report = Self.large(locale: locale)
            var stripped = report
            stripped.fixes = []
            stripped.discrepancies = []
            var fixReadings = 0
            let streams = RunReport.Streams(
                fixes: { each in
                    fixReadings += 1
                    for fix in report.fixes { try each(fix) }
                },
                discrepancies: { each in for entry in report.discrepancies { try each(entry) } },
                changes: Dictionary(
                    report.discrepancies.map { (RunReport.change(of: $0, runId: 7), 1) }, uniquingKeysWith: +))
            let sorted = report.discrepancies.sorted {
                ($0.severity, $0.kind.rawValue, $0.id) < ($1.severity, $1.kind.rawValue, $1.id)
            }
            let formats: [ReportFormat] = [.html, .json, .md, .csv]
            final class Texts { var texts: [String] = [] }
            let collected = Texts()
            collected.texts = Array(repeating: "", count: formats.count)
            try stripped.write(
                formats, streams: streams,
                sortedDiscrepancies: { each in for entry in sorted { try each(entry) } },
                emitters: formats.indices.map { index in { collected.texts[index] += $0 } })
            let texts = collected.texts
            for (format, text) in zip(formats, texts) {
                #expect(text == Self.rendered(report, format), "\(locale) \(format)")
            }
            #expect(fixReadings == 2, "the JSON reads the fixes once, the other three share one reading")
        }
    }

    @Test func streamedFilesAreWrittenIntoPlace() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("report-stream-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let report = Self.large(locale: "ko")
        let formats = ReportFormat.allCases
        let paths = try ReportFiles.write(streamed: formats.map { $0.fileName(runId: 7) }, into: directory) {
            emitters in try report.write(formats, emitters: emitters)
        }
        #expect(paths.count == formats.count)
        for (path, format) in zip(paths, formats) {
            let text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
            #expect(text == Self.rendered(report, format))
            let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
            #expect(mode == 0o640)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).allSatisfy { !$0.hasPrefix(".") })
    }

    @Test func aStreamThatFailsLeavesNoFile() throws {
        struct ReadFailed: Error {}
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("report-stream-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(throws: ReportFiles.WriteError.self) {
            try ReportFiles.write(
                streamed: [
                    (
                        name: "run-7.csv",
                        write: { emit in
                            try emit("a")
                            throw ReadFailed()
                        }
                    )
                ], into: directory)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).isEmpty)
    }
}
