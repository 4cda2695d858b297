import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A small HTTP/1.1 server on POSIX sockets, for the PortOne simulator and the finance console:
/// one thread accepts, one thread per connection serves requests one after another
/// (keep-alive), so many connections are served in parallel.
///
/// It listens only on a loopback address or a Unix socket (what reaches it is this machine's
/// reverse proxy, tests and tools), and ``Limits`` bound what one client can make it hold: the
/// head's size and field count, the body, the time a request may take to arrive (a client that
/// trickles bytes is cut off), the idle time between requests, the requests per connection and
/// the connections at once.
public final class HTTPServer: Sendable {
    /// Handles one request; runs on the connection's thread.
    public typealias Handler = @Sendable (HTTPRequest) -> HTTPResponse

    /// What one client may make the server hold.
    public struct Limits: Sendable {
        /// Seconds a whole request may take to arrive once its first byte came (408 after).
        public var requestTimeoutSeconds: Int = 30
        /// Seconds a kept-alive connection may sit idle between requests.
        public var idleTimeoutSeconds: Int = 120
        /// Requests served on one connection before it is closed (nil: no limit).
        public var maxRequestsPerConnection: Int? = nil
        /// Connections served at once; more are answered 503 and closed.
        public var maxConnections: Int = 4096
        /// The methods served; others are answered 405 (nil: every method goes to the handler).
        public var allowedMethods: Set<String>? = nil

        /// No limits beyond the parser's: what the simulator (a test tool) needs.
        public init() {}

        /// The limits of a service facing people through a reverse proxy: GET, HEAD and POST
        /// only, a request must arrive within 10 s, a connection idles at most 30 s and serves
        /// at most 100 requests, at most 64 connections at once.
        public static let service: Limits = {
            var limits = Limits()
            limits.requestTimeoutSeconds = 10
            limits.idleTimeoutSeconds = 30
            limits.maxRequestsPerConnection = 100
            limits.maxConnections = 64
            limits.allowedMethods = ["GET", "HEAD", "POST"]
            return limits
        }()
    }

    /// What the accepting and serving threads share.
    private struct State {
        /// The bound port (0 for a Unix socket).
        var port = 0
        /// The listening socket; -1 before `start` and after `stop`.
        var listenFD: Int32 = -1
        /// The open connections, shut down by `stop`.
        var connections: Set<Int32> = []
        /// Whether `stop` was called.
        var stopped = false
        /// The Unix socket's path, removed by `stop`.
        var socketPath: String?
    }

    private let handler: Handler
    private let parser: RequestParser
    private let limits: Limits
    private let state = Mutex(State())

    /// The bound port (0 before `start`, and on a Unix socket).
    public var port: Int { state.withLock { $0.port } }

    /// Creates a server; call `start` to listen.
    public init(
        parser: RequestParser = RequestParser(), idleTimeoutSeconds: Int = 120, limits: Limits = Limits(),
        handler: @escaping Handler
    ) {
        self.parser = parser
        self.handler = handler
        var limits = limits
        limits.idleTimeoutSeconds = min(limits.idleTimeoutSeconds, idleTimeoutSeconds)
        self.limits = limits
    }

    /// Binds `host:port` (0: any free port) on a loopback address (`127.0.0.0/8`, `::1`) and
    /// starts accepting.
    public func start(host: String, port requestedPort: Int) throws {
        let isIPv6 = host.contains(":")
        guard isIPv6 ? host == "::1" : host.hasPrefix("127.") else {
            throw ServerError("\(host) is not a loopback address: listen on 127.0.0.1 or ::1 (or a Unix socket)")
        }
        let fd = socket(isIPv6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ServerError("cannot create a socket: \(String(cString: strerror(errno)))") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        let bound: Int32
        if isIPv6 {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = in_port_t(UInt16(requestedPort).bigEndian)
            address.sin6_addr = in6addr_loopback
            bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size))
                }
            }
        } else {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(requestedPort).bigEndian)
            guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else {
                close(fd)
                throw ServerError("\(host) is not an IPv4 address")
            }
            bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
        guard bound == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw ServerError("cannot listen on \(host):\(requestedPort): \(reason)")
        }
        var actual = sockaddr_in6()
        var length = socklen_t(MemoryLayout<sockaddr_in6>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        // sin_port and sin6_port sit at the same offset.
        try listenAndAccept(fd, port: Int(UInt16(bigEndian: actual.sin6_port)), socketPath: nil)
    }

    /// Listens on the Unix socket `path` (replacing a stale socket file there), mode 0660 so the
    /// reverse proxy's group can connect, and starts accepting.
    public func start(unixSocket path: String) throws {
        guard path.hasPrefix("/"), path.utf8.count < 108 else {
            throw ServerError("the socket path must be absolute and shorter than 108 bytes")
        }
        var status = stat()
        if lstat(path, &status) == 0 {
            guard (status.st_mode & S_IFMT) == S_IFSOCK else {
                throw ServerError("\(path) exists and is not a socket: remove it or choose another path")
            }
            unlink(path)
        }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ServerError("cannot create a socket: \(String(cString: strerror(errno)))") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            let bytes = Array(path.utf8)
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let previous = umask(0o117)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        umask(previous)
        guard bound == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw ServerError("cannot listen on unix:\(path): \(reason)")
        }
        try listenAndAccept(fd, port: 0, socketPath: path)
    }

    private func listenAndAccept(_ fd: Int32, port: Int, socketPath: String?) throws {
        guard listen(fd, 512) == 0 else {
            close(fd)
            throw ServerError("listen failed: \(String(cString: strerror(errno)))")
        }
        state.withLock {
            $0.port = port
            $0.listenFD = fd
            $0.socketPath = socketPath
        }
        let thread = Thread { [self] in acceptLoop() }
        thread.name = "http-accept"
        thread.start()
    }

    /// Stops accepting and closes every open connection.
    public func stop() {
        state.withLock { state in
            state.stopped = true
            if state.listenFD >= 0 {
                shutdown(state.listenFD, Int32(SHUT_RDWR))
                close(state.listenFD)
                state.listenFD = -1
            }
            if let path = state.socketPath {
                unlink(path)
                state.socketPath = nil
            }
            for fd in state.connections { shutdown(fd, Int32(SHUT_RDWR)) }
        }
    }

    private func acceptLoop() {
        while true {
            let fd = state.withLock { $0.listenFD }
            guard fd >= 0 else { return }
            let client = accept(fd, nil, nil)
            if client < 0 {
                if errno == EINTR || errno == ECONNABORTED || errno == EMFILE || errno == ENFILE {
                    if errno == EMFILE || errno == ENFILE { usleep(10_000) }
                    continue
                }
                return
            }
            enum Admission { case serve, busy, stopped }
            let admission = state.withLock { state -> Admission in
                if state.stopped { return .stopped }
                if state.connections.count >= limits.maxConnections { return .busy }
                state.connections.insert(client)
                return .serve
            }
            switch admission {
            case .stopped:
                close(client)
                return
            case .busy:
                let response = HTTPResponse.text(503, "too many connections; try again shortly\n", close: true)
                _ = Self.sendAll(client, response.head(keepAlive: false) + response.body)
                close(client)
                continue
            case .serve:
                break
            }
            var one: Int32 = 1
            setsockopt(client, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            let thread = Thread { [self] in serve(client) }
            thread.stackSize = 512 * 1024
            thread.start()
        }
    }

    /// Waits until `fd` is readable or `milliseconds` pass; false on timeout or error.
    private func waitReadable(_ fd: Int32, milliseconds: Int) -> Bool {
        var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        while true {
            let result = poll(&descriptor, 1, Int32(max(0, milliseconds)))
            if result < 0 && errno == EINTR { continue }
            return result > 0
        }
    }

    private func serve(_ fd: Int32) {
        defer {
            state.withLock { _ = $0.connections.remove(fd) }
            close(fd)
        }
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        var continueSent = false
        var served = 0
        // When the request being read must have arrived whole; nil while the connection idles.
        var deadline: ContinuousClock.Instant?
        let clock = ContinuousClock()
        while true {
            switch parser.parse(buffer) {
            case .needMore:
                if !continueSent, parser.expectsContinue(buffer) {
                    continueSent = true
                    guard send(fd, Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)) else { return }
                }
                let wait: Int
                if let deadline {
                    let left = clock.now.duration(to: deadline).components
                    wait = Int(left.seconds) * 1000 + Int(left.attoseconds / 1_000_000_000_000_000)
                } else {
                    wait = limits.idleTimeoutSeconds * 1000
                }
                guard wait > 0, waitReadable(fd, milliseconds: wait) else {
                    if deadline != nil {
                        let response = HTTPResponse.text(408, "the request did not arrive in time\n", close: true)
                        _ = send(fd, response.head(keepAlive: false) + response.body)
                    }
                    return
                }
                let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if n <= 0 { return }
                if deadline == nil { deadline = clock.now + .seconds(limits.requestTimeoutSeconds) }
                buffer.append(contentsOf: chunk[0..<n])
            case .failure(let status, let message):
                let response = HTTPResponse.text(status, message + "\n", close: true)
                _ = send(fd, response.head(keepAlive: false) + response.body)
                return
            case .request(let request, let consumed):
                buffer.removeFirst(consumed)
                continueSent = false
                deadline = buffer.isEmpty ? nil : clock.now + .seconds(limits.requestTimeoutSeconds)
                served += 1
                var response: HTTPResponse
                if let allowed = limits.allowedMethods, !allowed.contains(request.method) {
                    response = HTTPResponse.text(405, "method \(request.method.prefix(20)) is not allowed\n")
                    response.headers.append(("Allow", allowed.sorted().joined(separator: ", ")))
                } else {
                    response = handler(request)
                }
                let keepAlive =
                    request.keepAlive && !response.close && !state.withLock({ $0.stopped })
                    && served < (limits.maxRequestsPerConnection ?? Int.max)
                let body = request.method == "HEAD" ? [] : response.body
                switch response.delivery {
                case .drop:
                    return
                case .truncate(let bytes):
                    response.close = true
                    _ = send(fd, response.head(keepAlive: false) + body.prefix(bytes))
                    shutdown(fd, Int32(SHUT_WR))
                    return
                case .normal:
                    guard send(fd, response.head(keepAlive: keepAlive) + body) else { return }
                    if !keepAlive { return }
                }
            }
        }
    }

    private func send(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        Self.sendAll(fd, bytes)
    }

    /// Writes all of `bytes` to socket `fd` (retrying short writes and EINTR, no SIGPIPE);
    /// false when the peer is gone. Shared with the simulator's webhook sender.
    public static func sendAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Glibc.send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                if n < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += n
            }
            return true
        }
    }
}

/// A server start-up failure with a message for the operator.
public struct ServerError: Error, CustomStringConvertible, Sendable {
    /// What went wrong.
    public var description: String
    /// Creates an error.
    public init(_ description: String) { self.description = description }
}
