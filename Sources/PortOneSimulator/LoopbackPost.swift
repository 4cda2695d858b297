import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One HTTP/1.1 POST to a loopback URL over a plain socket, for webhook delivery.
///
/// The simulator only ever talks to loopback (its receivers are test stand-ins and local
/// apps), so a socket, one request per connection (`Connection: close`) and reading just the
/// status line are enough; this keeps the simulator free of libcurl (ARCHITECTURE §1).
public struct LoopbackPost: Sendable, Hashable {
    /// What came of a POST.
    public enum Outcome: Sendable, Hashable {
        /// The receiver answered with this status code.
        case answered(Int)
        /// No answer: connection refused, reset, timed out or an unreadable status line.
        case failed(String)
    }

    /// The IPv4 loopback address.
    public var host: String
    /// The port.
    public var port: Int
    /// The path and query, e.g. `/webhooks/portone`.
    public var target: String

    /// Parses `http://127.x.x.x:port/path` (or `localhost`); nil for anything else.
    public init?(url: String) {
        guard url.hasPrefix("http://") else { return nil }
        let rest = url.dropFirst("http://".count)
        let authority = rest.prefix { $0 != "/" }
        let path = rest.dropFirst(authority.count)
        guard let colon = authority.lastIndex(of: ":") else { return nil }
        var host = String(authority[..<colon])
        if host == "localhost" { host = "127.0.0.1" }
        guard host.hasPrefix("127."), let port = Int(authority[authority.index(after: colon)...]),
            (1...65535).contains(port)
        else { return nil }
        var probe = in_addr()
        guard inet_pton(AF_INET, host, &probe) == 1 else { return nil }
        self.host = host
        self.port = port
        self.target = path.isEmpty ? "/" : String(path)
    }

    /// Sends `body` with `headers` and returns the status code, waiting at most `timeoutSeconds`
    /// for each socket operation.
    public func send(headers: [(String, String)], body: [UInt8], timeoutSeconds: Int = 10) -> Outcome {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return .failed("socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        _ = inet_pton(AF_INET, host, &address.sin_addr)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { return .failed("connect: \(String(cString: strerror(errno)))") }
        var head = "POST \(target) HTTP/1.1\r\nHost: \(host):\(port)\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        head += "Content-Length: \(body.count)\r\nConnection: close\r\n\r\n"
        let request = Array(head.utf8) + body
        guard HTTPServer.sendAll(fd, request) else { return .failed("send: \(String(cString: strerror(errno)))") }
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while !received.contains(10) && received.count < 8192 {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 {
                return .failed(n == 0 ? "closed without an answer" : "recv: \(String(cString: strerror(errno)))")
            }
            received.append(contentsOf: chunk[0..<n])
        }
        let line = String(decoding: received.prefix { $0 != 13 && $0 != 10 }, as: UTF8.self)
        let parts = line.split(separator: " ")
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let status = Int(parts[1]) else {
            return .failed("not an HTTP answer: \(line.prefix(80))")
        }
        return .answered(status)
    }
}
