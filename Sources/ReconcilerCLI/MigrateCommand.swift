import Foundation
import LedgerStore
import Postgres
import ReconcilerCore

/// `credit-reconciler migrate`: applies the reconciler's own migrations to the web app's
/// database, reporting what it applied; a second run is a no-op.
enum MigrateCommand {
    static func run(environment: [String: String]) -> ExitStatus {
        DatabaseAccess.withConnection(environment: environment) { connection in
            do {
                return try migrate(connection)
            } catch let error as MigrationError {
                Console.error("credit-reconciler: \(error)")
                if case .appTableMissing = error { return .configuration }
                return error.postgresError.map(DatabaseAccess.exitStatus(for:)) ?? .failure
            }
        }
    }

    private static func migrate(_ connection: Connection) throws -> ExitStatus {
        let report = try Migrator(connection: connection).migrate()
        if report.applied.isEmpty {
            Console.output("migrate: the database is up to date (\(report.alreadyApplied) migrations applied before)")
        } else {
            for migration in report.applied { Console.output("migrate: applied \(migration.fileName)") }
            Console.output("migrate: \(report.applied.count) applied now, \(report.alreadyApplied) applied before")
        }
        return .success
    }
}
