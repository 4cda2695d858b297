import Foundation
import LedgerStore
import Postgres
import ReconcilerCore

/// `credit-reconciler migrate`: applies the reconciler's own migrations to the web app's
/// database, reporting what it applied; a second run is a no-op.
enum MigrateCommand {
    static func run(environment: [String: String]) -> ExitStatus {
        let connection: Connection
        do {
            connection = try DatabaseAccess.connect(environment: environment)
        } catch {
            return error.status
        }
        defer { connection.close() }
        do {
            let report = try Migrator(connection: connection).migrate()
            if report.applied.isEmpty {
                Console.output(
                    "migrate: the database is up to date (\(report.alreadyApplied) migrations applied before)")
            } else {
                for migration in report.applied { Console.output("migrate: applied \(migration.fileName)") }
                Console.output(
                    "migrate: \(report.applied.count) applied now, \(report.alreadyApplied) applied before")
            }
            return .success
        } catch let error as MigrationError {
            Console.error("credit-reconciler: \(error)")
            if case .appTableMissing = error { return .configuration }
            return error.postgresError.map(DatabaseAccess.exitStatus(for:)) ?? .failure
        } catch let error as PostgresError {
            Console.error("credit-reconciler: migrate failed: \(error)")
            return DatabaseAccess.exitStatus(for: error)
        } catch {
            Console.error("credit-reconciler: migrate failed: \(error)")
            return .failure
        }
    }
}
