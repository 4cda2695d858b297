import Foundation
import ReconcilerCore
import TestSupport
import Testing
import WireFormat

/// Through the built binary: a run configured for every format writes them all, and `report
/// --format X` prints each again byte for byte, from the stored document; the run's log lines
/// on standard error are key=value events without a secret.
@Suite struct ReportCommandFormatsTests {
    typealias World = ReconciliationWorldTests

    @Test func reportPrintsEveryFormatExactlyAsTheRunWroteIt() async throws {
        try await TestDatabase.withFresh(schema: .app) { database in
            let (simulator, _) = try await World.world(
                payments: 300, seed: 63, database: database, end: RFC3339.Timestamp(Date().addingTimeInterval(-3600)))
            defer { simulator.stop() }
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("formats-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: folder) }
            let config = try RunCommandTests.configFile(
                RunCommandTests.configuration.replacingOccurrences(
                    of: #""policy":"#,
                    with:
                        #""reports": {"directory": "\#(folder.path)", "formats": ["json", "csv", "md", "html"], "locale": "en"}, "metrics": {"textfile": "\#(folder.path)/metrics.prom"}, "policy":"#
                ))
            defer { try? FileManager.default.removeItem(at: config) }
            var environment = RunCommandTests.environment(simulator, database, configFile: config)
            environment["JOURNAL_STREAM"] = "8:12345"
            func tool(_ arguments: String...) throws -> ProductProcess.Outcome {
                try ProductProcess.run("credit-reconciler", arguments, environment: environment)
            }
            let run = try tool("run", "--trigger", "timer")
            #expect(run.status == 0, "stderr: \(run.standardError)")
            for format in ["json", "csv", "md", "html"] {
                let written = try Data(contentsOf: folder.appendingPathComponent("run-1.\(format)"))
                // Through --output: the exact bytes (a captured standard output loses the CSV's BOM).
                let again = folder.appendingPathComponent("again.\(format)").path
                let printed = try tool("report", "--run", "1", "--format", format, "--output", again)
                #expect(printed.status == 0, "stderr: \(printed.standardError)")
                #expect(try Data(contentsOf: URL(fileURLWithPath: again)) == written, "\(format)")
            }
            let csv = try Data(contentsOf: folder.appendingPathComponent("run-1.csv"))
            #expect(csv.starts(with: [0xEF, 0xBB, 0xBF]))
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("metrics.prom").path))

            // Log lines: journald priorities, events with fields, no secret of any kind.
            let lines = run.standardError.split(separator: "\n")
            #expect(lines.contains { $0.hasPrefix("<5>run started run=1 trigger=timer mode=apply ") })
            #expect(lines.contains { $0.hasPrefix("<5>run succeeded run=1 ") })
            #expect(lines.allSatisfy { $0.hasPrefix("<") }, "\(run.standardError)")
            let password = try #require(
                RunLoggerProbe.password(in: environment["DATABASE_URL"] ?? ""), "the test database has a password")
            for output in [run.standardOutput, run.standardError] {
                #expect(!output.contains(simulator.secret))
                #expect(!output.contains(password))
            }
        }
    }
}

/// The password of a conninfo string, to check it never shows.
enum RunLoggerProbe {
    static func password(in conninfo: String) -> String? {
        conninfo.split(separator: " ").first { $0.hasPrefix("password=") }.map {
            String($0.dropFirst("password=".count)).trimmingCharacters(in: CharacterSet(charactersIn: "'"))
        }
    }
}
