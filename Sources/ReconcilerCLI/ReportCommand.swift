import Foundation
import LedgerStore
import Postgres
import ReconcilerCore
import Reports

/// `credit-reconciler report`: prints or writes a past run's report, rendered from the document
/// the run stored when it finished, so it is the same every time.
enum ReportCommand {
    static func run(_ options: ReportOptions, environment: [String: String]) -> ExitStatus {
        DatabaseAccess.withConnection(environment: environment) { connection in
            let recorder = RunRecorder(connection: connection)
            let record: RunRecord?
            if let id = options.runId {
                record = try recorder.run(id: id)
            } else {
                record = try recorder.runs(limit: 20).first { $0.status != .running }
            }
            guard let record else {
                Console.error(
                    options.runId.map { "credit-reconciler: there is no run \($0): see credit-reconciler status" }
                        ?? "credit-reconciler: no run has finished yet: run credit-reconciler run first")
                return .failure
            }
            guard let stored = try recorder.report(runId: record.id) else {
                Console.error(
                    "credit-reconciler: run \(record.id) (\(record.status.rawValue)) stored no report: it ended before writing one; its totals are in reconciler.run"
                )
                return .failure
            }
            // Every format renders from the stored document, as the run did when it wrote its files.
            let format = Reports.ReportFormat(rawValue: options.format.rawValue) ?? .md
            let text =
                format == .json ? stored + "\n" : format.render(try JSONValue.parse(Data(stored.utf8)), json: stored)
            if let output = options.output {
                do {
                    try Data(text.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
                } catch {
                    Console.error("credit-reconciler: cannot write \(output): check the folder exists and is writable")
                    return .failure
                }
            } else {
                FileHandle.standardOutput.write(Data(text.utf8))
            }
            return .success
        }
    }
}
