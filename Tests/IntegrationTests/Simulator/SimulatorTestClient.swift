import Foundation
import WireFormat

#if canImport(Glibc)
    import Glibc
#endif

/// A raw-socket HTTP/1.1 client for the simulator tests: one keep-alive connection, exact
/// control over what is sent, and exact reporting of what came back (including cut bodies).
final class SimulatorTestClient {
    /// A received response.
    struct Response {
        var status: Int
        var headers: [String: String]
        var body: [UInt8]
        var text: String { String(decoding: body, as: UTF8.self) }
        func json() throws -> JSONValue { try JSONValue.parse(body) }
    }

    /// What went wrong on the wire.
    enum WireError: Error, Equatable {
        case closedWithoutResponse
        case truncated(received: Int, expected: Int)
        case connectFailed
    }

    let port: Int
    let secret: String
    private var fd: Int32 = -1
    private var buffer: [UInt8] = []

    init(port: Int, secret: String = SimulatorTestData.secret) {
        self.port = port
        self.secret = secret
    }

    deinit { disconnect() }

    func disconnect() {
        if fd >= 0 { close(fd) }
        fd = -1
        buffer = []
    }

    private func connectIfNeeded() throws {
        guard fd < 0 else { return }
        let s: Int32
        do {
            s = try RawHTTP.connect(port: port)
        } catch {
            throw WireError.connectFailed
        }
        var timeout = timeval(tv_sec: 20, tv_usec: 0)
        setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        fd = s
    }

    /// Sends raw bytes (for malformed-request tests) and reads one response.
    func raw(_ bytes: [UInt8]) throws -> Response {
        try connectIfNeeded()
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes {
                send(fd, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            }
            if n <= 0 {
                disconnect()
                throw WireError.closedWithoutResponse
            }
            offset += n
        }
        return try readResponse()
    }

    /// Sends a request with the simulator's auth header (unless `authorization` overrides it).
    func request(_ method: String, _ target: String, body: [UInt8] = [], authorization: String? = nil) throws
        -> Response
    {
        var head = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n"
        let auth = authorization ?? "PortOne \(secret)"
        if !auth.isEmpty { head += "Authorization: \(auth)\r\n" }
        if !body.isEmpty || method == "PUT" || method == "POST" {
            head += "Content-Type: application/json\r\nContent-Length: \(body.count)\r\n"
        }
        head += "\r\n"
        return try raw(Array(head.utf8) + body)
    }

    /// `GET path?requestBody=<percent-encoded json>`.
    func get(_ path: String, requestBody: String?) throws -> Response {
        guard let requestBody else { return try request("GET", path) }
        return try request("GET", path + "?requestBody=" + Self.encode(requestBody))
    }

    /// Percent-encodes everything but unreserved characters.
    static func encode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case 48...57, 65...90, 97...122, 45, 46, 95, 126: out.unicodeScalars.append(Unicode.Scalar(byte))
            default: out += String(format: "%%%02X", byte)
            }
        }
        return out
    }

    private func fill() throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n <= 0 { return false }
        buffer.append(contentsOf: chunk[0..<n])
        return true
    }

    private func readResponse() throws -> Response {
        var headEnd: Int?
        while headEnd == nil {
            headEnd = Self.find(buffer, Array("\r\n\r\n".utf8))
            if headEnd == nil {
                guard try fill() else {
                    disconnect()
                    throw WireError.closedWithoutResponse
                }
            }
        }
        let head = String(decoding: buffer[0..<headEnd!], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        let status = Int(statusLine[1]) ?? 0
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                in: .whitespaces)
        }
        let length = Int(headers["content-length"] ?? "0") ?? 0
        let start = headEnd! + 4
        while buffer.count < start + length {
            guard try fill() else {
                let received = buffer.count - start
                disconnect()
                throw WireError.truncated(received: received, expected: length)
            }
        }
        let body = Array(buffer[start..<(start + length)])
        buffer.removeFirst(start + length)
        if headers["connection"]?.lowercased() == "close" { disconnect() }
        return Response(status: status, headers: headers, body: body)
    }

    static func find(_ haystack: [UInt8], _ needle: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for i in 0...(haystack.count - needle.count) where haystack[i] == needle[0] {
            if haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
        }
        return nil
    }
}
