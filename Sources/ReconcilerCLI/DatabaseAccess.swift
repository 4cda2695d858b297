import Foundation
import Postgres
import ReconcilerCore

/// Opens the database named by `DATABASE_URL` (or `DATABASE_URL_FILE`, or the systemd
/// credential) and maps every failure to its exit status with a message that never holds the
/// password.
enum DatabaseAccess {
    static func connect(environment: [String: String]) throws(CommandFailure) -> Connection {
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
            return try Connection(databaseURL: text)
        } catch let error as PostgresError {
            Console.error("credit-reconciler: \(error)")
            throw CommandFailure(exitStatus(for: error))
        } catch {
            Console.error("credit-reconciler: cannot connect to PostgreSQL: \(error)")
            throw CommandFailure(.unavailable)
        }
    }

    /// Connects, runs `body`, closes, and turns a database error into its exit status with the
    /// message printed: the frame of every command that only talks to PostgreSQL.
    static func withConnection(
        environment: [String: String], _ body: (Connection) throws -> ExitStatus
    ) -> ExitStatus {
        let connection: Connection
        do {
            connection = try connect(environment: environment)
        } catch {
            return error.status
        }
        defer { connection.close() }
        do {
            return try body(connection)
        } catch let error as PostgresError {
            Console.error("credit-reconciler: \(error)")
            return exitStatus(for: error)
        } catch {
            Console.error("credit-reconciler: \(error)")
            return .failure
        }
    }

    /// 69 when the server cannot be reached, 78 when the URL or credentials are wrong, else 1.
    static func exitStatus(for error: PostgresError) -> ExitStatus {
        if error.isUnavailable { return .unavailable }
        if error.isConfigurationError { return .configuration }
        return .failure
    }
}
