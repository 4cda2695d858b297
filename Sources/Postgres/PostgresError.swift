/// An error from the PostgreSQL layer, with a message a human can act on.
///
/// The description never contains a password (it is redacted from libpq's own messages too)
/// and never the values of bound query parameters: a server message that quotes one has it
/// replaced by `<parameter $n>`.
public struct PostgresError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, coarsely: callers decide exit codes and retries on this.
    public enum Kind: String, Sendable, Hashable {
        /// `DATABASE_URL` is not a valid libpq URI or key=value conninfo string.
        case invalidURL
        /// Nothing listens at the host and port (server down or wrong port).
        case connectionRefused
        /// The host name cannot be resolved.
        case hostNotFound
        /// The server rejected the user or password, or has no `pg_hba.conf` entry for us.
        case authenticationFailed
        /// The database named in the URL does not exist on that server.
        case databaseMissing
        /// The server did not answer within the connect timeout.
        case connectTimeout
        /// Connecting failed for another reason (message from libpq, redacted).
        case connectionFailed
        /// The connection went away or the server is shutting down or starting up
        /// (connection bad, SQLSTATE class 08, 57P01/57P02/57P03, 53300 too many connections).
        case unavailable
        /// The statement ran longer than `statement_timeout` (SQLSTATE 57014).
        case statementTimeout
        /// The server rejected a statement (see `sqlState`).
        case server
        /// A value could not be read as the requested Swift type.
        case decoding
        /// The API was used the wrong way (nested transaction, closed connection...).
        case misuse
    }

    /// What went wrong, coarsely.
    public var kind: Kind
    /// The five-character SQLSTATE code the server sent, if any (e.g. `23505`).
    public var sqlState: String?
    /// The primary message, already phrased for a human.
    public var message: String
    /// The server's DETAIL field, if any.
    public var detail: String?
    /// The server's HINT field, or our own advice.
    public var hint: String?

    /// Creates an error value.
    public init(
        kind: Kind, sqlState: String? = nil, message: String, detail: String? = nil, hint: String? = nil
    ) {
        self.kind = kind
        self.sqlState = sqlState
        self.message = message
        self.detail = detail
        self.hint = hint
    }

    /// Whether the database cannot be reached right now (sysexits 69, EX_UNAVAILABLE): the
    /// server is down, unreachable, timed out, restarting, or dropped the connection.
    public var isUnavailable: Bool {
        switch kind {
        case .connectionRefused, .connectTimeout, .unavailable: return true
        default: return false
        }
    }

    /// Whether the error points at a wrong `DATABASE_URL` (sysexits 78, EX_CONFIG): malformed,
    /// unknown host, wrong credentials, or a database that does not exist.
    public var isConfigurationError: Bool {
        switch kind {
        case .invalidURL, .hostNotFound, .authenticationFailed, .databaseMissing: return true
        default: return false
        }
    }

    /// Whether the statement failed on a unique constraint (SQLSTATE 23505).
    public var isUniqueViolation: Bool { sqlState == "23505" }

    /// Whether retrying the whole transaction may succeed (serialization failure, deadlock).
    public var isTransient: Bool { sqlState == "40001" || sqlState == "40P01" }

    /// One line (plus indented detail and hint lines) for logs and the terminal.
    public var description: String {
        var text = message
        if let sqlState { text += " (SQLSTATE \(sqlState))" }
        if let detail, !detail.isEmpty { text += "\n  detail: \(detail)" }
        if let hint, !hint.isEmpty { text += "\n  hint: \(hint)" }
        return text
    }

    static func misuse(_ message: String, hint: String? = nil) -> PostgresError {
        PostgresError(kind: .misuse, message: message, hint: hint)
    }

    static func decoding(_ message: String) -> PostgresError {
        PostgresError(kind: .decoding, message: message)
    }
}
