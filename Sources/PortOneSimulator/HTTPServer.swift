import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A small HTTP/1.1 server on POSIX sockets: one thread accepts, one thread per connection
/// serves requests one after another (keep-alive), so many connections are served in parallel.
public final class HTTPServer: Sendable {
    /// Handles one request; runs on the connection's thread.
    public typealias Handler = @Sendable (HTTPRequest) -> HTTPResponse

    /// What the accepting and serving threads share.
    private struct State {
        /// The bound port.
        var port = 0
        /// The listening socket; -1 before `start` and after `stop`.
        var listenFD: Int32 = -1
        /// The open connections, shut down by `stop`.
        var connections: Set<Int32> = []
        /// Whether `stop` was called.
        var stopped = false
    }

    private let handler: Handler
    private let parser: RequestParser
    private let idleTimeoutSeconds: Int
    private let state = Mutex(State())

    /// The bound port (0 before `start`).
    public var port: Int { state.withLock { $0.port } }

    /// Creates a server; call `start` to listen.
    public init(parser: RequestParser = RequestParser(), idleTimeoutSeconds: Int = 120, handler: @escaping Handler) {
        self.parser = parser
        self.handler = handler
        self.idleTimeoutSeconds = idleTimeoutSeconds
    }

    /// Binds `host:port` (0: any free port) and starts accepting.
    public func start(host: String, port requestedPort: Int) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ServerError("cannot create a socket: \(String(cString: strerror(errno)))") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(requestedPort).bigEndian)
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else {
            close(fd)
            throw ServerError("--host \(host) is not an IPv4 address")
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw ServerError("cannot listen on \(host):\(requestedPort): \(reason)")
        }
        guard listen(fd, 512) == 0 else {
            close(fd)
            throw ServerError("listen failed: \(String(cString: strerror(errno)))")
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        state.withLock {
            $0.port = Int(UInt16(bigEndian: actual.sin_port))
            $0.listenFD = fd
        }
        let thread = Thread { [self] in acceptLoop() }
        thread.name = "simulator-accept"
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
            let accepted = state.withLock { state -> Bool in
                if state.stopped { return false }
                state.connections.insert(client)
                return true
            }
            guard accepted else {
                close(client)
                return
            }
            var one: Int32 = 1
            setsockopt(client, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            var timeout = timeval(tv_sec: idleTimeoutSeconds, tv_usec: 0)
            setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            let thread = Thread { [self] in serve(client) }
            thread.stackSize = 512 * 1024
            thread.start()
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
        while true {
            switch parser.parse(buffer) {
            case .needMore:
                if !continueSent, parser.expectsContinue(buffer) {
                    continueSent = true
                    guard send(fd, Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)) else { return }
                }
                let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if n <= 0 { return }
                buffer.append(contentsOf: chunk[0..<n])
            case .failure(let status, let message):
                let response = HTTPResponse.text(status, message + "\n", close: true)
                _ = send(fd, response.head(keepAlive: false) + response.body)
                return
            case .request(let request, let consumed):
                buffer.removeFirst(consumed)
                continueSent = false
                var response = handler(request)
                let keepAlive = request.keepAlive && !response.close && !state.withLock({ $0.stopped })
                switch response.delivery {
                case .drop:
                    return
                case .truncate(let bytes):
                    response.close = true
                    _ = send(fd, response.head(keepAlive: false) + response.body.prefix(bytes))
                    shutdown(fd, Int32(SHUT_WR))
                    return
                case .normal:
                    guard send(fd, response.head(keepAlive: keepAlive) + response.body) else { return }
                    if !keepAlive { return }
                }
            }
        }
    }

    private func send(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        Self.sendAll(fd, bytes)
    }

    /// Writes all of `bytes` to socket `fd` (retrying short writes and EINTR, no SIGPIPE);
    /// false when the peer is gone. Shared with the webhook sender (`LoopbackPost`).
    static func sendAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
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
