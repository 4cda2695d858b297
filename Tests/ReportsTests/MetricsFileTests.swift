import Foundation
import ReconcilerCore
import Reports
import Testing
import WireFormat

/// The metrics textfile, read by a strict exposition-format parser.
@Suite struct MetricsFileTests {
    static let families = [
        "last_run_timestamp_seconds", "last_success_timestamp_seconds", "run_duration_seconds", "payments_scanned",
        "fixes_applied", "discrepancies_open", "credits_granted", "credits_deducted", "api_requests", "run_status",
    ].map { "credit_reconciler_" + $0 }

    @Test func everyFamilyParsesStrictlyWithHelpAndType() throws {
        let metrics = MetricsFile(document: ReportFixture.report().document, lastSuccess: 1_790_000_000)
        let parsed = try ExpositionParser.parse(metrics.text)
        for family in Self.families {
            #expect(parsed.types[family] == "gauge", "\(family) TYPE")
            #expect(parsed.help[family]?.isEmpty == false, "\(family) HELP")
        }
        let finished = RFC3339.timestamp("2026-11-01T18:00:42.500Z")!.secondsSinceEpoch
        #expect(parsed.value("credit_reconciler_last_run_timestamp_seconds") == Double(finished))
        #expect(parsed.value("credit_reconciler_last_success_timestamp_seconds") == 1_790_000_000)
        #expect(parsed.value("credit_reconciler_run_duration_seconds") == 42.375)
        #expect(parsed.value("credit_reconciler_payments_scanned") == 1234)
        #expect(parsed.value("credit_reconciler_fixes_applied", ["kind": "MISSED_GRANT"]) == 1)
        #expect(parsed.value("credit_reconciler_fixes_applied", ["kind": "MISSED_REFUND"]) == 1)
        #expect(
            parsed.value("credit_reconciler_discrepancies_open", ["kind": "BALANCE_DRIFT", "severity": "warning"]) == 4)
        #expect(parsed.value("credit_reconciler_credits_granted") == 100)
        #expect(parsed.value("credit_reconciler_credits_deducted") == 300)
        #expect(parsed.value("credit_reconciler_api_requests", ["outcome": "retried"]) == 2)
        #expect(parsed.value("credit_reconciler_run_status", ["status": "succeeded"]) == 1)
        #expect(parsed.value("credit_reconciler_run_status", ["status": "failed"]) == 0)
        #expect(parsed.value("credit_reconciler_run_status", ["status": "aborted"]) == 0)
    }

    @Test func closureCountsAreAFamilyWhenTheRunCountedThem() throws {
        var document = ReportFixture.report().document
        #expect(!MetricsFile(document: document, lastSuccess: nil).text.contains("payments_closure"))
        guard case .object(var root) = document, case .object(var totals) = root["totals"] else {
            Issue.record("the fixture's document has no totals")
            return
        }
        totals["paymentsClosedExactly"] = .integer(1_196)
        totals["paymentsExplained"] = .integer(9)
        totals["paymentsUnexplained"] = .integer(1)
        root["totals"] = .object(totals)
        document = .object(root)
        let text = MetricsFile(document: document, lastSuccess: nil).text
        #expect(text.contains(#"credit_reconciler_payments_closure{closure="unexplained"} 1"#), "\(text)")
        #expect(text.contains(#"credit_reconciler_payments_closure{closure="closed_exactly"} 1196"#))
    }

    @Test func aFailedRunKeepsTheLastSuccessItIsGiven() throws {
        let document = ReportFixture.report(status: .failed, error: "x").document
        let parsed = try ExpositionParser.parse(MetricsFile(document: document, lastSuccess: 1_700_000_000).text)
        #expect(parsed.value("credit_reconciler_run_status", ["status": "failed"]) == 1)
        #expect(parsed.value("credit_reconciler_run_status", ["status": "succeeded"]) == 0)
        #expect(parsed.value("credit_reconciler_last_success_timestamp_seconds") == 1_700_000_000)
    }

    @Test func labelValuesAreEscaped() throws {
        var metrics = MetricsFile(document: ReportFixture.report().document, lastSuccess: nil)
        metrics.apiOutcomes = ["we\"ird\\out\ncome": 1]
        let parsed = try ExpositionParser.parse(metrics.text)
        #expect(parsed.value("credit_reconciler_api_requests", ["outcome": "we\"ird\\out\ncome"]) == 1)
        #expect(parsed.value("credit_reconciler_last_success_timestamp_seconds") == 0)
    }

    @Test func writeReplacesTheFileWholeAndLeavesNoTemporaryFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("metrics-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("credit_reconciler.prom").path
        try Data("old".utf8).write(to: URL(fileURLWithPath: path))
        let metrics = MetricsFile(document: ReportFixture.report().document, lastSuccess: 1_790_000_000)
        try metrics.write(to: path)
        #expect(String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self) == metrics.text)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["credit_reconciler.prom"])
        #expect(MetricsFile.lastSuccess(inFileAt: path) == 1_790_000_000)
    }

    @Test func parserRefusesBrokenExposition() {
        let broken = [
            "a 1", "a{b=\"c} 1\n", "# TYPE a gauge\n# TYPE a gauge\na 1\n", "a 1\n# TYPE a gauge\n", "a 1\nb 1\na 2\n",
            "a{b=\"\\t\"} 1\n", "1a 1\n", "a 1\na 1\n", "a x\n",
        ]
        for text in broken {
            #expect(throws: ExpositionParser.Failure.self, "\(text)") { try ExpositionParser.parse(text) }
        }
    }
}
