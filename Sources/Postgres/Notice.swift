import CLibPQ

/// The severity of a server notice, in `client_min_messages` order.
public enum NoticeSeverity: String, Sendable, Hashable, CaseIterable {
    /// DEBUG1 ... DEBUG5 (only with a debug `client_min_messages`).
    case debug
    /// LOG messages sent to the client.
    case log
    /// INFO messages.
    case info
    /// NOTICE messages, e.g. "relation already exists, skipping".
    case notice
    /// WARNING messages.
    case warning
    /// ERROR and above (only as `client_min_messages`; errors themselves are thrown).
    case error

    init(serverSeverity: String) {
        switch serverSeverity.uppercased() {
        case let text where text.hasPrefix("DEBUG"): self = .debug
        case "LOG": self = .log
        case "INFO": self = .info
        case "NOTICE": self = .notice
        case "WARNING": self = .warning
        default: self = .error
        }
    }
}

/// A NOTICE, WARNING or INFO message the server sent during a statement.
///
/// Notices are captured by the connection (never printed); read `Connection.notices`.
public struct Notice: Sendable, Hashable, CustomStringConvertible {
    /// The notice's severity.
    public var severity: NoticeSeverity
    /// The SQLSTATE code (e.g. `42P06` for "schema already exists").
    public var sqlState: String?
    /// The primary message.
    public var message: String
    /// The DETAIL field, if any.
    public var detail: String?
    /// The HINT field, if any.
    public var hint: String?

    /// Creates a notice value.
    public init(severity: NoticeSeverity, sqlState: String?, message: String, detail: String?, hint: String?) {
        self.severity = severity
        self.sqlState = sqlState
        self.message = message
        self.detail = detail
        self.hint = hint
    }

    /// `SEVERITY: message` on one line.
    public var description: String { "\(severity.rawValue.uppercased()): \(message)" }
}

/// Where the C notice receiver appends; reached through libpq's `void *arg`.
final class NoticeBuffer {
    var notices: [Notice] = []
    let limit: Int
    let redactor: SecretRedactor

    init(limit: Int, redactor: SecretRedactor) {
        self.limit = max(1, limit)
        self.redactor = redactor
    }

    func append(_ notice: Notice) {
        notices.append(notice)
        if notices.count > limit { notices.removeFirst(notices.count - limit) }
    }
}

/// The C notice receiver: captures nothing, finds its buffer through `arg`.
let noticeReceiver: PQnoticeReceiver = { arg, result in
    guard let arg, let result else { return }
    let buffer = Unmanaged<NoticeBuffer>.fromOpaque(arg).takeUnretainedValue()
    func field(_ code: UInt8) -> String? {
        guard let value = PQresultErrorField(result, Int32(code)) else { return nil }
        return buffer.redactor.redact(String(cString: value))
    }
    buffer.append(
        Notice(
            severity: NoticeSeverity(serverSeverity: field(UInt8(ascii: "V")) ?? field(UInt8(ascii: "S")) ?? "NOTICE"),
            sqlState: field(UInt8(ascii: "C")),
            message: field(UInt8(ascii: "M")) ?? "",
            detail: field(UInt8(ascii: "D")),
            hint: field(UInt8(ascii: "H"))))
}
