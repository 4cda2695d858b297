/// Per-connection settings the `Connection` applies when it connects.
public struct ConnectionConfiguration: Sendable, Hashable {
    /// `application_name`, as `pg_stat_activity` shows it (and the advisory lock holder report).
    public var applicationName: String
    /// `statement_timeout`; nil leaves the server's setting alone, `.zero` disables it.
    public var statementTimeout: Duration?
    /// How long to wait for the server when connecting (libpq's `connect_timeout`, at least 2 s).
    public var connectTimeout: Duration
    /// `client_min_messages`: the least severe notice the server sends us.
    public var clientMinMessages: NoticeSeverity
    /// How many notices the connection keeps (oldest dropped first).
    public var noticeLimit: Int

    /// Creates a configuration; the defaults suit the reconciler.
    public init(
        applicationName: String = "credit-reconciler",
        statementTimeout: Duration? = .seconds(300),
        connectTimeout: Duration = .seconds(10),
        clientMinMessages: NoticeSeverity = .notice,
        noticeLimit: Int = 1000
    ) {
        self.applicationName = applicationName
        self.statementTimeout = statementTimeout
        self.connectTimeout = connectTimeout
        self.clientMinMessages = clientMinMessages
        self.noticeLimit = noticeLimit
    }

    /// Whole seconds for libpq's `connect_timeout` (libpq treats 1 as 2).
    var connectTimeoutSeconds: Int {
        max(2, Int(connectTimeout.components.seconds) + (connectTimeout.components.attoseconds > 0 ? 1 : 0))
    }
}

extension Duration {
    /// Whole milliseconds, rounded up, as PostgreSQL's timeout settings take them.
    var postgresMilliseconds: Int64 {
        let (seconds, attoseconds) = components
        let fraction = attoseconds / 1_000_000_000_000_000
        let remainder = attoseconds % 1_000_000_000_000_000
        return seconds * 1000 + fraction + (remainder > 0 ? 1 : 0)
    }
}
