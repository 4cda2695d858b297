import Foundation
import ReconcilerCore
import ReconcilerEngine

/// Opens the database named by `DATABASE_URL` (or `DATABASE_URL_FILE`, or the systemd
/// credential) and maps every failure to its exit status with a message that never holds the
/// password.
enum DatabaseAccess {
    static func open(environment: [String: String]) throws(CommandFailure) -> ReconcilerDatabase {
        let resolver = SettingResolver(environment: environment) { path in
            try String(contentsOfFile: path, encoding: .utf8)
        }
        let text: String
        do {
            text = try resolver.required(
                "DATABASE_URL", purpose: "the web app's PostgreSQL database (a libpq URI or conninfo string)")
        } catch {
            Console.error("credit-reconciler: \(error)")
            throw CommandFailure(.configuration)
        }
        do {
            return try ReconcilerDatabase.open(databaseURL: text)
        } catch {
            Console.error("credit-reconciler: \(error)")
            throw CommandFailure(exitStatus(for: error))
        }
    }

    /// Connects, runs `body`, closes, and turns a failure into its exit status with the message
    /// printed: the frame of every command that only talks to PostgreSQL.
    static func withDatabase(
        environment: [String: String], _ body: (ReconcilerDatabase) throws(ServiceFailure) -> ExitStatus
    ) -> ExitStatus {
        let database: ReconcilerDatabase
        do {
            database = try open(environment: environment)
        } catch {
            return error.status
        }
        defer { database.close() }
        do {
            return try body(database)
        } catch {
            Console.error("credit-reconciler: \(error)")
            return exitStatus(for: error)
        }
    }

    /// 69 when the server cannot be reached, 78 when the URL or credentials are wrong, else 1.
    static func exitStatus(for failure: ServiceFailure) -> ExitStatus {
        switch failure {
        case .unavailable: .unavailable
        case .configuration: .configuration
        case .failed: .failure
        }
    }
}
