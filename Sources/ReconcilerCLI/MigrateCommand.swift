import Foundation
import ReconcilerCore
import ReconcilerEngine

/// `credit-reconciler migrate`: applies the reconciler's own migrations to the web app's
/// database, reporting what it applied; a second run is a no-op.
enum MigrateCommand {
    static func run(environment: [String: String]) -> ExitStatus {
        DatabaseAccess.withDatabase(environment: environment) { (database) throws(ServiceFailure) in
            let report = try database.migrate()
            if report.applied.isEmpty {
                Console.output(
                    "migrate: the database is up to date (\(report.alreadyApplied) migrations applied before)")
            } else {
                for migration in report.applied { Console.output("migrate: applied \(migration.fileName)") }
                Console.output("migrate: \(report.applied.count) applied now, \(report.alreadyApplied) applied before")
            }
            return .success
        }
    }
}
