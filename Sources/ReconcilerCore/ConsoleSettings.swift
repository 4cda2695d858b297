/// `console`: the finance console's address, where it reads who the user is, and who may change
/// what (DESIGN §10).
public struct ConsoleSettings: Equatable, Sendable {
    /// Where the console listens: only where the reverse proxy on the same machine reaches it.
    public enum Listen: Equatable, Sendable, CustomStringConvertible {
        /// A TCP port on a loopback address (`127.0.0.1:8470`, `[::1]:8470`).
        case loopback(host: String, port: Int)
        /// A Unix socket (`unix:/run/credit-reconciler/console.sock`).
        case unixSocket(path: String)

        /// Why an address was refused.
        public struct Problem: Error, Equatable, Sendable, CustomStringConvertible {
            /// The sentence after the setting's name.
            public var description: String
        }

        /// Parses `text`: `HOST:PORT` with a loopback host, `[::1]:PORT`, or `unix:/absolute/path`.
        public init(parsing text: String) throws(Problem) {
            if text.hasPrefix("unix:") {
                let path = String(text.dropFirst(5))
                guard path.hasPrefix("/"), path.utf8.count < 100, !path.utf8.contains(0),
                    !path.split(separator: "/").contains("..")
                else {
                    throw Problem(
                        description:
                            "must name an absolute socket path such as unix:/run/credit-reconciler/console.sock (under 100 bytes)"
                    )
                }
                self = .unixSocket(path: path)
                return
            }
            let host: Substring
            let portText: Substring
            if text.hasPrefix("[") {
                guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else {
                    throw Problem(description: "must be HOST:PORT such as 127.0.0.1:8470 or [::1]:8470")
                }
                host = text[text.index(after: text.startIndex)..<close]
                portText = text[text.index(close, offsetBy: 2)...]
            } else {
                guard let colon = text.lastIndex(of: ":") else {
                    throw Problem(description: "must be HOST:PORT such as 127.0.0.1:8470, or unix:/path")
                }
                host = text[..<colon]
                portText = text[text.index(after: colon)...]
            }
            guard let port = Int(portText), (1...65535).contains(port) else {
                throw Problem(description: "must end in a port from 1 to 65535 (got \"\(portText.prefix(20))\")")
            }
            let isLoopback =
                host == "::1" || host == "localhost"
                || (host.hasPrefix("127.") && host.split(separator: ".").count == 4
                    && host.split(separator: ".").allSatisfy { UInt8($0) != nil })
            guard isLoopback else {
                throw Problem(
                    description:
                        "must be a loopback address (127.0.0.1, ::1) or a Unix socket: the console trusts the user header only from the reverse proxy on this machine (got \"\(host.prefix(60))\")"
                )
            }
            self = .loopback(host: host == "localhost" ? "127.0.0.1" : String(host), port: port)
        }

        /// The address as written in the configuration.
        public var description: String {
            switch self {
            case .loopback(let host, let port): host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
            case .unixSocket(let path): "unix:\(path)"
            }
        }
    }

    /// Where the console listens.
    public var listen = Listen.loopback(host: "127.0.0.1", port: 8470)
    /// The header the reverse proxy puts the authenticated user's name in.
    public var userHeader = "X-Forwarded-User"
    /// Who may resolve and ignore discrepancies.
    public var editors: [String] = []
    /// Who may approve plans.
    public var approvers: [String] = []

    /// The defaults of DESIGN §6.
    public init() {}

    /// Whether `name` is an HTTP header name (an RFC 9110 token).
    public static func isHeaderName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 100
            && name.utf8.allSatisfy { byte in
                switch byte {
                case 48...57, 65...90, 97...122: true
                case 33, 35, 36, 37, 38, 39, 42, 43, 45, 46, 94, 95, 96, 124, 126: true
                default: false
                }
            }
    }
}
