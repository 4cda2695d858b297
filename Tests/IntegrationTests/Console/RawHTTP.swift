import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A raw HTTP/1.1 client for the console tests: sends exactly the bytes given (hostile ones
/// included) to 127.0.0.1 and reads the answer until the server closes or `timeout` passes.
enum RawHTTP {
    struct Answer {
        var status: Int
        var headers: [(name: String, value: String)]
        var body: String
        var raw: String

        func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }

        /// The session cookie the answer sets.
        var sessionCookie: String? {
            guard let value = header("set-cookie"), value.hasPrefix("console_session=") else { return nil }
            return String(value.dropFirst("console_session=".count).prefix { $0 != ";" })
        }
    }

    /// Connects to 127.0.0.1:`port`.
    static func connect(port: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            close(fd)
            throw POSIXError(.ECONNREFUSED)
        }
        return fd
    }

    static func send(_ fd: Int32, _ bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// Reads until the peer closes or `timeout` seconds pass without a byte.
    static func readAll(_ fd: Int32, timeout: Int = 20) -> [UInt8] {
        var timeval = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeval, socklen_t(MemoryLayout<timeval>.size))
        var data: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            data += chunk[0..<n]
        }
        return data
    }

    static func parse(_ bytes: [UInt8]) -> Answer {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n") else { return Answer(status: 0, headers: [], body: "", raw: text) }
        let lines = text[..<split.lowerBound].components(separatedBy: "\r\n")
        let status = Int(lines.first?.split(separator: " ").dropFirst().first ?? "") ?? 0
        let headers = lines.dropFirst().compactMap { line -> (name: String, value: String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        return Answer(status: status, headers: headers, body: String(text[split.upperBound...]), raw: text)
    }

    /// Sends `raw` on a new connection and returns the answer (the connection is closed after).
    static func exchange(port: Int, _ raw: String) throws -> Answer {
        try exchange(port: port, Array(raw.utf8))
    }

    /// Sends `bytes` on a new connection and returns the answer.
    static func exchange(port: Int, _ bytes: [UInt8]) throws -> Answer {
        let fd = try connect(port: port)
        defer { close(fd) }
        send(fd, bytes)
        return parse(readAll(fd))
    }

    /// A request with `Connection: close` and the given header lines.
    static func request(
        _ method: String, _ target: String, headers: [String] = [], body: String? = nil
    ) -> String {
        var text = "\(method) \(target) HTTP/1.1\r\nHost: console.example\r\nConnection: close\r\n"
        for header in headers { text += header + "\r\n" }
        if let body {
            text += "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: \(body.utf8.count)\r\n"
        }
        return text + "\r\n" + (body ?? "")
    }

    /// `text` percent-encoded for a form field.
    static func formEncoded(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }
}

extension RawHTTP {
    /// Sends `raw` over the Unix socket at `path` and returns the answer.
    static func exchange(unixSocket path: String, _ raw: String) throws -> Answer {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { bytes in
            let path = Array(path.utf8)
            bytes.copyBytes(from: path)
            bytes[path.count] = 0
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard result == 0 else { throw POSIXError(.ECONNREFUSED) }
        send(fd, Array(raw.utf8))
        return parse(readAll(fd))
    }
}
