import CCurl
import Foundation

/// One libcurl easy handle: sends requests one at a time and keeps its connection alive
/// between them (libcurl's connection cache survives `curl_easy_reset`).
///
/// Not thread-safe: one connection belongs to one worker thread of ``HTTPClient``.
public final class HTTPConnection {
    private let easy: CurlEasy
    private var handle: UnsafeMutableRawPointer { easy.handle }
    private let configuration: HTTPClientConfiguration

    /// Creates a handle, or fails with ``HTTPTransportError/other(host:code:detail:)`` when
    /// libcurl cannot allocate one.
    public init(configuration: HTTPClientConfiguration) throws(HTTPTransportError) {
        guard let easy = CurlEasy() else {
            throw .other(host: "-", code: -1, detail: "libcurl could not be initialised")
        }
        self.easy = easy
        self.configuration = configuration
    }

    /// Sends a request and waits for the complete response (blocking the calling thread).
    public func perform(_ request: HTTPRequest) throws(HTTPTransportError) -> HTTPResponse {
        let target = try HTTPURLPolicy.check(request.url)
        let host = target.host
        for field in request.headers {
            // Bytes, not Characters: "\r\n" is a single Character and would slip past.
            if field.name.isEmpty || field.name.utf8.contains(where: { $0 == 13 || $0 == 10 || $0 == 58 || $0 == 32 })
                || field.value.utf8.contains(where: { $0 == 13 || $0 == 10 || $0 == 0 })
            {
                throw .invalidRequest(reason: "header \(field.name.prefix(40)) contains a line break, colon or NUL")
            }
        }
        let exchange = Exchange(limit: configuration.maximumBodyBytes)
        let context = Unmanaged.passRetained(exchange)
        defer { context.release() }

        var headerList: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(headerList) }
        for field in request.headers {
            headerList = curl_slist_append(headerList, "\(field.name): \(field.value)")
        }
        if request.body != nil {
            headerList = curl_slist_append(headerList, "Expect:")
        }

        var code = easy.reset()
        if code == CURLE_OK {
            code = setOptions(request: request, context: context.toOpaque(), headers: headerList)
        }
        if code == CURLE_OK {
            if let body = request.body {
                code = body.withUnsafeBytes { bytes in
                    var result = cr_curl_setopt_off_t(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(bytes.count))
                    if result == CURLE_OK {
                        let base = bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!
                        result = cr_curl_setopt_pointer(
                            handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: base))
                    }
                    return result
                }
            }
        }
        if code == CURLE_OK {
            code = curl_easy_perform(handle)
        }
        guard code == CURLE_OK else {
            throw transportError(code: code, host: host, exchange: exchange)
        }
        var status = 0
        _ = cr_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        var newConnections = 0
        _ = cr_curl_getinfo_long(handle, CURLINFO_NUM_CONNECTS, &newConnections)
        return HTTPResponse(
            status: status, headers: exchange.headers, body: exchange.body, reusedConnection: newConnections == 0)
    }

    private func setOptions(
        request: HTTPRequest, context: UnsafeMutableRawPointer, headers: UnsafeMutablePointer<curl_slist>?
    ) -> CURLcode {
        let connectMilliseconds = CurlEasy.milliseconds(configuration.connectTimeout)
        let totalMilliseconds = CurlEasy.milliseconds(configuration.totalTimeout)
        return CurlEasy.apply([
            { cr_curl_setopt_long(self.handle, CURLOPT_NOSIGNAL, 1) },
            { cr_curl_setopt_string(self.handle, CURLOPT_URL, request.url) },
            { cr_curl_setopt_string(self.handle, CURLOPT_PROTOCOLS_STR, "http,https") },
            { cr_curl_setopt_long(self.handle, CURLOPT_FOLLOWLOCATION, 0) },
            { cr_curl_setopt_string(self.handle, CURLOPT_ACCEPT_ENCODING, "") },
            { cr_curl_setopt_long(self.handle, CURLOPT_CONNECTTIMEOUT_MS, connectMilliseconds) },
            { cr_curl_setopt_long(self.handle, CURLOPT_TIMEOUT_MS, totalMilliseconds) },
            { cr_curl_setopt_long(self.handle, CURLOPT_SSL_VERIFYPEER, 1) },
            { cr_curl_setopt_long(self.handle, CURLOPT_SSL_VERIFYHOST, 2) },
            { cr_curl_setopt_string(self.handle, CURLOPT_USERAGENT, self.configuration.userAgent) },
            { cr_curl_setopt_long(self.handle, CURLOPT_TCP_KEEPALIVE, 1) },
            { cr_curl_setopt_write_function(self.handle, curlWriteBody) },
            { cr_curl_setopt_pointer(self.handle, CURLOPT_WRITEDATA, context) },
            { cr_curl_setopt_header_function(self.handle, curlWriteHeader) },
            { cr_curl_setopt_pointer(self.handle, CURLOPT_HEADERDATA, context) },
            { cr_curl_setopt_slist(self.handle, CURLOPT_HTTPHEADER, headers) },
            {
                switch request.method {
                case .get: return cr_curl_setopt_long(self.handle, CURLOPT_HTTPGET, 1)
                case .post: return cr_curl_setopt_long(self.handle, CURLOPT_POST, 1)
                case .put, .delete:
                    return cr_curl_setopt_string(self.handle, CURLOPT_CUSTOMREQUEST, request.method.rawValue)
                }
            },
        ])
    }

    private func transportError(code: CURLcode, host: String, exchange: Exchange) -> HTTPTransportError {
        let detail = easy.detail(code)
        switch code {
        case CURLE_WRITE_ERROR where exchange.overflowed:
            return .bodyTooLarge(host: host, limit: configuration.maximumBodyBytes)
        case CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT:
            return .invalidURL(reason: detail)
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            return .hostNotFound(host: host)
        case CURLE_COULDNT_CONNECT:
            return .connectionFailed(host: host, detail: detail)
        case CURLE_OPERATION_TIMEDOUT:
            return .timedOut(host: host, detail: detail)
        case CURLE_GOT_NOTHING, CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_HTTP2, CURLE_HTTP2_STREAM:
            return .connectionReset(host: host, detail: detail)
        case CURLE_PARTIAL_FILE, CURLE_BAD_CONTENT_ENCODING:
            return .truncatedBody(host: host, detail: detail)
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM,
            CURLE_SSL_CIPHER, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH,
            CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED,
            CURLE_SSL_SHUTDOWN_FAILED, CURLE_SSL_CRL_BADFILE, CURLE_USE_SSL_FAILED:
            return .tls(host: host, detail: detail)
        default:
            return .other(host: host, code: Int(code.rawValue), detail: detail)
        }
    }
}

@available(*, unavailable) extension HTTPConnection: Sendable {}

/// The per-request state libcurl's callbacks fill, reached through the user-data pointer.
final class Exchange {
    /// Body bytes received so far.
    var body: [UInt8] = []
    /// Header fields of the current (final) response.
    var headers: [(name: String, value: String)] = []
    /// True when the body passed `limit` and the transfer was aborted.
    var overflowed = false
    /// The largest body accepted.
    let limit: Int

    /// Creates empty state for one exchange.
    init(limit: Int) { self.limit = limit }
}

/// libcurl write callback: appends body bytes; returning less than given aborts the transfer.
private func curlWriteBody(
    _ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?
) -> Int {
    guard let data, let context else { return 0 }
    let exchange = Unmanaged<Exchange>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    guard exchange.body.count + length <= exchange.limit else {
        exchange.overflowed = true
        return 0
    }
    UnsafeRawPointer(data).withMemoryRebound(to: UInt8.self, capacity: length) { bytes in
        exchange.body.append(contentsOf: UnsafeBufferPointer(start: bytes, count: length))
    }
    return length
}

/// libcurl header callback: collects the header fields of the final response.
private func curlWriteHeader(
    _ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?
) -> Int {
    guard let data, let context else { return 0 }
    let exchange = Unmanaged<Exchange>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    let line = UnsafeRawPointer(data).withMemoryRebound(to: UInt8.self, capacity: length) { bytes in
        String(decoding: UnsafeBufferPointer(start: bytes, count: length), as: UTF8.self)
    }
    if line.hasPrefix("HTTP/") {
        exchange.headers.removeAll()  // a new response (e.g. after 100 Continue) starts
    } else if let colon = line.firstIndex(of: ":") {
        let name = String(line[..<colon])
        let value = line[line.index(after: colon)...].trimmingCharacters(in: [" ", "\t", "\r", "\n"])
        exchange.headers.append((name: name, value: value))
        if name.lowercased() == "content-length", let length = Int(value), length > 0 {
            exchange.body.reserveCapacity(min(length, exchange.limit))  // one allocation per body
        }
    }
    return length
}

/// Process-wide libcurl initialisation, done once before the first handle.
enum CurlRuntime {
    /// True once `curl_global_init` succeeded (run on first use, thread-safe via `static let`).
    static let isInitialized: Bool = curl_global_init(3) == CURLE_OK  // CURL_GLOBAL_SSL | CURL_GLOBAL_WIN32
}
