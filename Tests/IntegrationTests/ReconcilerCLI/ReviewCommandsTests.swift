import Foundation
import LedgerStore
import ReconcilerCore
import TestSupport
import Testing
import WireFormat

/// What finance and ops do after a run, through the built binary: read the report again, list
/// and resolve discrepancies, check the status.
@Suite struct ReviewCommandsTests {
    typealias World = ReconciliationWorldTests

    @Test func reportListResolveAndStatusAfterARun() async throws {
        try await TestDatabase.withFresh(schema: .app) { database in
            let (simulator, _) = try await World.world(
                payments: 400, seed: 41, database: database, end: RFC3339.Timestamp(Date().addingTimeInterval(-3600)))
            defer { simulator.stop() }
            let reports = FileManager.default.temporaryDirectory.appendingPathComponent("reports-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: reports) }
            let config = try RunCommandTests.configFile(
                RunCommandTests.configuration.replacingOccurrences(
                    of: #""policy":"#, with: #""reports": {"directory": "\#(reports.path)"}, "policy":"#))
            defer { try? FileManager.default.removeItem(at: config) }
            let environment = RunCommandTests.environment(simulator, database, configFile: config)
            func tool(_ arguments: String...) throws -> ProductProcess.Outcome {
                try ProductProcess.run("credit-reconciler", arguments, environment: environment)
            }

            let run = try tool("run")
            #expect(run.status == 0, "stderr: \(run.standardError)")

            // The report printed again is the file the run wrote, byte for byte.
            let written = try String(contentsOf: reports.appendingPathComponent("run-1.json"), encoding: .utf8)
            let printed = try tool("report", "--run", "latest", "--format", "json")
            #expect(printed.status == 0)
            #expect(printed.standardOutput == written)
            let attributes = try FileManager.default.attributesOfItem(
                atPath: reports.appendingPathComponent("run-1.json").path)
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o640)
            let document = try JSONValue.parse(Data(written.utf8))
            guard case .object(let root) = document, case .object(let totals)? = root["totals"],
                case .array(let fixes)? = root["fixes"], case .array(let found)? = root["discrepancies"]
            else {
                Issue.record("the report lacks run/totals/fixes/discrepancies")
                return
            }
            #expect(root["run"] != nil)
            for key in [
                "paymentsScanned", "ledgerRowsScanned", "matched", "fixesApplied", "fixesPlanned", "creditsGranted",
                "creditsDeducted", "discrepanciesOpen", "discrepanciesNew", "discrepanciesClosed",
            ] {
                #expect(totals[key] != nil, "totals.\(key) missing")
            }
            #expect(totals["fixesApplied"] == .integer(Int64(fixes.count)))
            #expect(!found.isEmpty)
            let markdown = try tool("report", "--format", "md")
            // The configured locale (default ko) labels every rendered format.
            #expect(markdown.standardOutput.hasPrefix("# credit-reconciler 실행 1: 성공"))

            // Resolve one open discrepancy, once.
            let open = try DiscrepancyStore(connection: try database.connect()).list(status: .open)
            let target = try #require(open.first)
            let listed = try tool("discrepancies", "list")
            #expect(listed.standardOutput.contains("#\(target.id)"))
            let resolved = try tool("discrepancies", "resolve", "\(target.id)", "--note", "환불 처리 완료", "--by", "kim")
            #expect(resolved.status == 0, "stderr: \(resolved.standardError)")
            #expect(resolved.standardOutput.contains("resolved"))
            let again = try tool("discrepancies", "resolve", "\(target.id)", "--note", "twice")
            #expect(again.status == 1)
            #expect(again.standardError.contains("kim"))
            let all = try tool("discrepancies", "list", "--status", "resolved")
            #expect(all.standardOutput.contains("환불 처리 완료"))

            let status = try tool("status")
            #expect(status.status == 0)
            #expect(status.standardOutput.contains("checkpoint: 20"))
            #expect(status.standardOutput.contains("#1"))
            #expect(status.standardOutput.contains("open discrepancies: \(open.count - 1)"))

            let missing = try tool("report", "--run", "999")
            #expect(missing.status == 1)
            #expect(missing.standardError.contains("no run 999"))
        }
    }
}
