/// Incremental HTTP/1.x request parser over a connection's byte buffer.
///
/// Accepts a request line, header fields and a `Content-Length` or chunked body; refuses
/// oversized heads (431) and bodies (413), other transfer codings (501), malformed syntax or
/// both framings at once (400) and versions other than 1.0/1.1 (505), too many header fields
/// (431) and, when asked, paths that climb out of the root or hide bytes (`..` segments,
/// backslashes, NUL or control characters after decoding: 400).
public struct RequestParser: Sendable {
    /// The outcome of one parse attempt.
    public enum Outcome: Sendable, Equatable {
        /// The buffer does not yet hold a whole request.
        case needMore
        /// A request, and how many buffer bytes it used.
        case request(HTTPRequest, consumed: Int)
        /// The request is unacceptable: answer with this status and close.
        case failure(status: Int, message: String)
    }

    /// Largest request line plus headers.
    public var maxHeadBytes = 32 * 1024
    /// Largest body.
    public var maxBodyBytes = 64 * 1024 * 1024
    /// Most header fields.
    public var maxHeaderCount = 100
    /// Whether paths with `..` or `.` segments, backslashes or control bytes are refused.
    public var refusesPathTricks = false

    /// Creates a parser with the given limits.
    public init(
        maxHeadBytes: Int = 32 * 1024, maxBodyBytes: Int = 64 * 1024 * 1024, maxHeaderCount: Int = 100,
        refusesPathTricks: Bool = false
    ) {
        self.maxHeadBytes = maxHeadBytes
        self.maxBodyBytes = maxBodyBytes
        self.maxHeaderCount = maxHeaderCount
        self.refusesPathTricks = refusesPathTricks
    }

    /// Tries to parse one request from the start of `buffer`.
    public func parse(_ buffer: [UInt8]) -> Outcome {
        guard let headEnd = Self.find(buffer, [13, 10, 13, 10]) else {
            return buffer.count > maxHeadBytes
                ? .failure(status: 431, message: "request head exceeds \(maxHeadBytes) bytes") : .needMore
        }
        if headEnd > maxHeadBytes {
            return .failure(status: 431, message: "request head exceeds \(maxHeadBytes) bytes")
        }
        guard let head = String(validating: buffer[0..<headEnd], as: UTF8.self) else {
            return .failure(status: 400, message: "request head is not UTF-8")
        }
        var lines = head.split(separator: "\r\n", omittingEmptySubsequences: false)
        // Tolerate leading empty lines (RFC 9112 §2.2).
        while let first = lines.first, first.isEmpty { lines.removeFirst() }
        guard let requestLine = lines.first else { return .failure(status: 400, message: "empty request") }
        let parts = requestLine.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, !parts[1].isEmpty,
            parts[0].utf8.allSatisfy({ Self.isTokenByte($0) })
        else {
            return .failure(status: 400, message: "malformed request line")
        }
        let version = parts[2]
        let minor: Int
        switch version {
        case "HTTP/1.1": minor = 1
        case "HTTP/1.0": minor = 0
        default:
            return version.hasPrefix("HTTP/")
                ? .failure(status: 505, message: "only HTTP/1.0 and HTTP/1.1 are supported")
                : .failure(status: 400, message: "malformed request line")
        }
        if lines.count - 1 > maxHeaderCount {
            return .failure(status: 431, message: "more than \(maxHeaderCount) header fields")
        }
        var headers: [(name: String, value: String)] = []
        var contentLength: Int?
        var chunked = false
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else {
                return .failure(status: 400, message: "malformed header line")
            }
            let name = line[line.startIndex..<colon]
            guard !name.isEmpty, name.utf8.allSatisfy({ Self.isTokenByte($0) }) else {
                return .failure(status: 400, message: "malformed header name")
            }
            let value = line[line.index(after: colon)...].trimmingCharacters(in: " \t")
            let lower = name.lowercased()
            if lower == "content-length" {
                guard !value.isEmpty, value.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), value.utf8.count <= 12,
                    let length = Int(value)
                else {
                    return .failure(status: 400, message: "invalid Content-Length")
                }
                if let contentLength, contentLength != length {
                    return .failure(status: 400, message: "conflicting Content-Length headers")
                }
                contentLength = length
            }
            if lower == "transfer-encoding" {
                guard value.lowercased() == "chunked" else {
                    return .failure(
                        status: 501,
                        message: "Transfer-Encoding \(value) is not supported; send chunked or Content-Length")
                }
                chunked = true
            }
            headers.append((lower, value))
        }
        if chunked && contentLength != nil {
            return .failure(status: 400, message: "both Transfer-Encoding and Content-Length are present")
        }
        let bodyStart = headEnd + 4
        let body: [UInt8]
        let consumed: Int
        if chunked {
            switch decodeChunked(buffer, from: bodyStart) {
            case .needMore: return .needMore
            case .failure(let status, let message): return .failure(status: status, message: message)
            case .body(let decoded, let end):
                body = decoded
                consumed = end
            }
        } else {
            let length = contentLength ?? 0
            if length > maxBodyBytes {
                return .failure(status: 413, message: "body of \(length) bytes exceeds \(maxBodyBytes) bytes")
            }
            guard buffer.count >= bodyStart + length else { return .needMore }
            body = Array(buffer[bodyStart..<(bodyStart + length)])
            consumed = bodyStart + length
        }
        let target = String(parts[1])
        let pathPart: Substring
        var query: [String: String] = [:]
        if let mark = target.firstIndex(of: "?") {
            pathPart = target[target.startIndex..<mark]
            for pair in target[target.index(after: mark)...].split(separator: "&") {
                let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                guard let key = HTTPRequest.percentDecode(kv[0], plusIsSpace: true),
                    let value = HTTPRequest.percentDecode(kv.count > 1 ? kv[1] : "", plusIsSpace: true)
                else {
                    return .failure(status: 400, message: "malformed percent-encoding in the query")
                }
                query[key] = value
            }
        } else {
            pathPart = target[...]
        }
        guard pathPart.hasPrefix("/"), let path = HTTPRequest.percentDecode(pathPart, plusIsSpace: false) else {
            return .failure(status: 400, message: "malformed request target")
        }
        if refusesPathTricks {
            let segments = path.split(separator: "/", omittingEmptySubsequences: false)
            if segments.contains(where: { $0 == ".." || $0 == "." }) || path.contains("\\") || path.contains("//")
                || path.unicodeScalars.contains(where: { $0.value < 32 || $0.value == 127 })
            {
                return .failure(status: 400, message: "the path may not contain . or .. segments, // or control bytes")
            }
        }
        let request = HTTPRequest(
            method: String(parts[0]), target: target, path: path, rawPath: String(pathPart), query: query,
            headers: headers, body: body, minorVersion: minor)
        return .request(request, consumed: consumed)
    }

    private enum ChunkedOutcome {
        case needMore
        case failure(status: Int, message: String)
        case body([UInt8], end: Int)
    }

    /// Decodes a chunked body starting at `start` (chunk extensions and trailers are skipped).
    private func decodeChunked(_ buffer: [UInt8], from start: Int) -> ChunkedOutcome {
        var body: [UInt8] = []
        var index = start
        while true {
            guard let lineEnd = Self.findCRLF(buffer, from: index) else {
                return buffer.count - index > 1024
                    ? .failure(status: 400, message: "malformed chunk size line") : .needMore
            }
            let sizeText = String(decoding: buffer[index..<lineEnd], as: UTF8.self)
                .split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false)[0]
                .trimmingCharacters(in: " \t")
            guard !sizeText.isEmpty, sizeText.count <= 12, let size = Int(sizeText, radix: 16), size >= 0 else {
                return .failure(status: 400, message: "malformed chunk size \"\(sizeText)\"")
            }
            index = lineEnd + 2
            if size == 0 {
                // Trailer fields, then an empty line.
                while true {
                    guard let end = Self.findCRLF(buffer, from: index) else { return .needMore }
                    let empty = end == index
                    index = end + 2
                    if empty { return .body(body, end: index) }
                }
            }
            if body.count + size > maxBodyBytes {
                return .failure(status: 413, message: "chunked body exceeds \(maxBodyBytes) bytes")
            }
            guard buffer.count >= index + size + 2 else { return .needMore }
            guard buffer[index + size] == 13, buffer[index + size + 1] == 10 else {
                return .failure(status: 400, message: "chunk data is not followed by CRLF")
            }
            body.append(contentsOf: buffer[index..<(index + size)])
            index += size + 2
        }
    }

    /// The index of the first CRLF at or after `start`.
    static func findCRLF(_ buffer: [UInt8], from start: Int) -> Int? {
        var i = start
        while i + 1 < buffer.count {
            if buffer[i] == 13 && buffer[i + 1] == 10 { return i }
            i += 1
        }
        return nil
    }

    /// Whether `buffer` holds a complete head asking for `Expect: 100-continue` (libcurl sends
    /// it before larger bodies and waits for the interim answer).
    public func expectsContinue(_ buffer: [UInt8]) -> Bool {
        guard let headEnd = Self.find(buffer, [13, 10, 13, 10]) else { return false }
        let head = String(decoding: buffer[0..<headEnd], as: UTF8.self).lowercased()
        return head.contains("\r\nexpect: 100-continue") || head.contains("\r\nexpect:100-continue")
    }

    /// Whether `b` may appear in an HTTP token (method, header name).
    static func isTokenByte(_ b: UInt8) -> Bool {
        switch b {
        case 48...57, 65...90, 97...122: true
        case 33, 35, 36, 37, 38, 39, 42, 43, 45, 46, 94, 95, 96, 124, 126: true
        default: false
        }
    }

    /// The first index of a 4-byte `needle` in `buffer`.
    static func find(_ buffer: [UInt8], _ needle: [UInt8]) -> Int? {
        guard buffer.count >= needle.count else { return nil }
        return buffer.withUnsafeBufferPointer { b in
            var i = 0
            let last = b.count - needle.count
            while i <= last {
                if b[i] == needle[0] && b[i + 1] == needle[1] && b[i + 2] == needle[2] && b[i + 3] == needle[3] {
                    return i
                }
                i += 1
            }
            return nil
        }
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: String) -> String {
        var s = self[...]
        while let f = s.first, set.contains(f) { s.removeFirst() }
        while let l = s.last, set.contains(l) { s.removeLast() }
        return String(s)
    }
}

extension RequestParser {
    /// The first index of `needle` in `haystack`.
    public static func findSequence(_ haystack: [UInt8], _ needle: [UInt8]) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count else { return nil }
        for i in 0...(haystack.count - needle.count) where haystack[i] == needle[0] {
            if haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
        }
        return nil
    }
}
