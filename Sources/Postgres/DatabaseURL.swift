import CLibPQ
import Foundation

/// A parsed `DATABASE_URL`: a libpq URI (`postgresql://user:pw@host:5432/db?sslmode=require`) or
/// a key=value conninfo string (`host=... dbname=... password=...`).
///
/// Its `description` (and debug description and mirror) shows host, port, database and user,
/// never the password, so it is safe to log and to put into error messages.
public struct DatabaseURL: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// The conninfo options as libpq parsed them, in libpq's order; defaults not filled in.
    private var options: [Option]

    private struct Option: Sendable, Hashable {
        var keyword: String
        var value: String
    }

    /// Parses `text` with libpq's own parser (`PQconninfoParse`).
    ///
    /// - Throws: `PostgresError` of kind `.invalidURL`, whose message quotes libpq's reason with
    ///   any password removed.
    public init(parsing text: String) throws(PostgresError) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else {
            throw PostgresError(
                kind: .invalidURL, message: "DATABASE_URL is empty",
                hint: "set DATABASE_URL to the web app's database, e.g. postgresql://user@host:5432/app")
        }
        var errorMessage: UnsafeMutablePointer<CChar>?
        guard let parsed = PQconninfoParse(trimmed, &errorMessage) else {
            var reason = "libpq could not parse it"
            if let errorMessage {
                reason = String(cString: errorMessage).trimmingCharacters(in: .whitespacesAndNewlines)
                PQfreemem(errorMessage)
            }
            let redactor = SecretRedactor(secrets: SecretRedactor.passwordCandidates(inURL: trimmed))
            throw PostgresError(
                kind: .invalidURL,
                message: "DATABASE_URL is not a valid PostgreSQL URI or conninfo string: \(redactor.redact(reason))",
                hint: "use postgresql://USER:PASSWORD@HOST:PORT/DATABASE (percent-encode special characters) "
                    + "or key=value pairs like host=HOST port=PORT dbname=DATABASE user=USER")
        }
        defer { PQconninfoFree(parsed) }
        var options: [Option] = []
        var index = 0
        while let keyword = parsed[index].keyword {
            if let value = parsed[index].val {
                options.append(Option(keyword: String(cString: keyword), value: String(cString: value)))
            }
            index += 1
        }
        self.options = options
    }

    /// The value of a conninfo keyword (`host`, `port`, `dbname`, `user`, `sslmode`...), if set.
    ///
    /// `password` is not readable through this accessor.
    public subscript(keyword: String) -> String? {
        guard keyword != "password" else { return nil }
        return value(of: keyword)
    }

    /// The host (or Unix socket directory), if the URL names one.
    public var host: String? { value(of: "host") ?? value(of: "hostaddr") }
    /// The port, if the URL names one (libpq's default is 5432).
    public var port: String? { value(of: "port") }
    /// The database name, if the URL names one (libpq's default is the user name).
    public var database: String? { value(of: "dbname") }
    /// The user name, if the URL names one.
    public var user: String? { value(of: "user") }
    /// Whether the URL carries a password (the password itself is never exposed).
    public var hasPassword: Bool { value(of: "password") != nil }

    /// `host:port` as an operator would check it, with libpq's defaults spelled out.
    public var endpoint: String {
        let host = self.host ?? "localhost (Unix socket)"
        return "\(host):\(port ?? "5432")"
    }

    /// A copy pointing at another database on the same server with the same credentials.
    public func replacing(database: String) -> DatabaseURL {
        setting("dbname", to: database)
    }

    /// A copy connecting as another user with another password (nil: no password).
    public func replacing(user: String, password: String?) -> DatabaseURL {
        setting("user", to: user).setting("password", to: password)
    }

    /// A copy with `keyword` set to `value` (nil removes it).
    public func setting(_ keyword: String, to value: String?) -> DatabaseURL {
        var copy = self
        copy.options.removeAll { $0.keyword == keyword }
        if let value { copy.options.append(Option(keyword: keyword, value: value)) }
        return copy
    }

    /// `postgresql://user@host:port/database`, no password: safe for logs and messages.
    public var description: String {
        var text = "postgresql://"
        if let user { text += "\(user)@" }
        text += host ?? ""
        if let port { text += ":\(port)" }
        text += "/" + (database ?? "")
        return text
    }

    /// Same as `description`: the password stays out of debug output too.
    public var debugDescription: String { "DatabaseURL(\(description))" }

    /// A mirror without the password, so `dump()` cannot leak it.
    public var customMirror: Mirror {
        Mirror(self, children: ["redacted": description], displayStyle: .struct)
    }

    /// The full key=value conninfo string, password included, for handing this URL to a child
    /// process's environment (tests, the demo). Never log it: `description` is the loggable form.
    public var conninfoIncludingPassword: String {
        options.map { option in
            let escaped = option.value.replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "'", with: "\\'")
            return "\(option.keyword)='\(escaped)'"
        }.joined(separator: " ")
    }

    /// Keyword/value pairs for `PQconnectdbParams`.
    var connectionParameters: [(String, String)] { options.map { ($0.keyword, $0.value) } }

    /// Removes the password (and its percent-encoded form) from text libpq or the server wrote.
    var redactor: SecretRedactor {
        SecretRedactor(secrets: [value(of: "password")].compactMap { $0 })
    }

    private func value(of keyword: String) -> String? {
        options.last { $0.keyword == keyword }?.value
    }
}
