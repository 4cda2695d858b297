import Foundation

/// The session holding an advisory lock, as `pg_locks` and `pg_stat_activity` show it.
public struct AdvisoryLockHolder: Sendable, Hashable, CustomStringConvertible {
    /// The holder's server process id.
    public var pid: Int32
    /// The holder's `application_name` (ours: `credit-reconciler`).
    public var applicationName: String
    /// When the holder's session connected (nil when the server hides it from this role).
    public var backendStart: Date?
    /// The holder's client address (nil for Unix sockets or when hidden).
    public var clientAddress: String?
    /// The role the holder is logged in as.
    public var userName: String?

    /// Creates a holder description.
    public init(
        pid: Int32, applicationName: String, backendStart: Date?, clientAddress: String?, userName: String?
    ) {
        self.pid = pid
        self.applicationName = applicationName
        self.backendStart = backendStart
        self.clientAddress = clientAddress
        self.userName = userName
    }

    /// e.g. `PostgreSQL backend pid 4242 (application "credit-reconciler", user "reconciler",
    /// from 10.0.0.5, connected since 2026-11-26 01:14:04.000000+00)`.
    public var description: String {
        var parts = ["application \"\(applicationName)\""]
        if let userName { parts.append("user \"\(userName)\"") }
        if let clientAddress { parts.append("from \(clientAddress)") }
        if let backendStart { parts.append("connected since \(PostgresTimestamp.format(backendStart))") }
        return "PostgreSQL backend pid \(pid) (\(parts.joined(separator: ", ")))"
    }
}
