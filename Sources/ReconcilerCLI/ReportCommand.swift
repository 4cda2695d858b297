import Foundation
import ReconcilerCore
import ReconcilerEngine

/// `credit-reconciler report`: prints or writes a past run's report, rendered from the document
/// the run stored when it finished, so it is the same every time.
enum ReportCommand {
    static func run(_ options: ReportOptions, environment: [String: String]) -> ExitStatus {
        DatabaseAccess.withDatabase(environment: environment) { (database) throws(ServiceFailure) in
            guard let record = try database.reportedRun(id: options.runId) else {
                Console.error(
                    options.runId.map { "credit-reconciler: there is no run \($0): see credit-reconciler status" }
                        ?? "credit-reconciler: no run has finished yet: run credit-reconciler run first")
                return .failure
            }
            guard let stored = try database.storedReport(runId: record.id) else {
                Console.error(
                    "credit-reconciler: run \(record.id) (\(record.status.rawValue)) stored no report: it ended before writing one; its totals are in reconciler.run"
                )
                return .failure
            }
            // Every format renders from the stored document, as the run did when it wrote its files.
            let text = try ReconcilerDatabase.render(storedReport: stored, as: options.format)
            return Console.document(text, to: options.output) ? .success : .failure
        }
    }
}
