import Foundation
import Postgres

/// Where integration tests find their PostgreSQL cluster: env `TEST_DATABASE_URL`.
public enum TestEnvironment {
    /// The variable tests read the cluster's URL from.
    public static let databaseURLVariable = "TEST_DATABASE_URL"

    /// The cluster's admin URL (a superuser, any existing database such as `postgres`).
    ///
    /// - Throws: `TestEnvironmentError.missingDatabaseURL` with instructions when it is not set.
    public static func adminDatabaseURL() throws -> DatabaseURL {
        guard let text = ProcessInfo.processInfo.environment[databaseURLVariable], !text.isEmpty else {
            throw TestEnvironmentError.missingDatabaseURL
        }
        return try DatabaseURL(parsing: text)
    }
}

/// Why the test environment is not usable.
public enum TestEnvironmentError: Error, Sendable, CustomStringConvertible {
    /// `TEST_DATABASE_URL` is not set.
    case missingDatabaseURL

    /// What to do.
    public var description: String {
        switch self {
        case .missingDatabaseURL:
            return "TEST_DATABASE_URL is not set: run the tests with `bash scripts/test` (it starts a throwaway "
                + "PostgreSQL cluster, sets TEST_DATABASE_URL and stops the cluster afterwards), or by hand: "
                + "eval \"$(scripts/pg start)\"; TEST_DATABASE_URL=$DATABASE_URL swift test; scripts/pg stop \"$PG_TMPDIR\""
        }
    }
}
