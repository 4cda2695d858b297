import Postgres

/// The web app's database as the reconciler reaches it (`DATABASE_URL`): where it is, and how
/// to open a session on it. Only LedgerStore holds PostgreSQL connections; the engine and the
/// command line open sessions through this type and work through the store objects.
public struct LedgerDatabase: Sendable, CustomStringConvertible {
    /// The URL (its description never shows the password).
    public let url: DatabaseURL

    /// The database at `url`.
    public init(url: DatabaseURL) {
        self.url = url
    }

    /// Parses `DATABASE_URL` (a libpq URI or conninfo string).
    ///
    /// - Throws: `.misconfigured` when it is neither; the message quotes libpq's reason with
    ///   any password removed.
    public init(parsing text: String) throws(LedgerStoreError) {
        self.url = try storing(try DatabaseURL(parsing: text))
    }

    /// Opens one session: a connection in UTC with the reconciler's statement timeout.
    ///
    /// - Parameters:
    ///   - applicationName: what `pg_stat_activity` (and the run lock's holder report) shows.
    ///   - connectTimeout: how long to wait for the server; nil keeps the connection default (10 s).
    /// - Throws: `.unavailable` when the server cannot be reached, `.misconfigured` when the
    ///   URL, credentials or database name are wrong; the message names host, port, database
    ///   and user, never the password.
    public func open(applicationName: String = "credit-reconciler", connectTimeout: Duration? = nil)
        throws(LedgerStoreError) -> LedgerSession
    {
        var configuration = ConnectionConfiguration(applicationName: applicationName)
        if let connectTimeout { configuration.connectTimeout = connectTimeout }
        return LedgerSession(connection: try storing(try Connection(url: url, configuration: configuration)))
    }

    /// The URL without its password.
    public var description: String { url.description }
}
