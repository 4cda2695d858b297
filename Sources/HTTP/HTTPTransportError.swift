/// Why an HTTP exchange produced no complete response.
///
/// Messages name the host and what to do; they never contain header values (the PortOne
/// secret travels in `Authorization`) nor query strings.
public enum HTTPTransportError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The URL could not be used (malformed, or a scheme other than http/https).
    case invalidURL(reason: String)
    /// The request itself is unusable (e.g. a header value with a line break).
    case invalidRequest(reason: String)
    /// A plain `http://` URL to a host that is not loopback: refused, because the API secret
    /// would cross the network in clear text.
    case insecureURL(host: String)
    /// The host name did not resolve.
    case hostNotFound(host: String)
    /// The TCP connection was refused or could not be made.
    case connectionFailed(host: String, detail: String)
    /// The connect or total timeout expired.
    case timedOut(host: String, detail: String)
    /// The connection broke while sending or receiving (reset, closed, empty reply).
    case connectionReset(host: String, detail: String)
    /// The body ended before the length the server announced (`CURLE_PARTIAL_FILE`), or its
    /// compressed encoding was cut or corrupt.
    case truncatedBody(host: String, detail: String)
    /// TLS failed: handshake, certificate or host name verification.
    case tls(host: String, detail: String)
    /// The body exceeded the configured maximum size.
    case bodyTooLarge(host: String, limit: Int)
    /// Any other libcurl failure.
    case other(host: String, code: Int, detail: String)

    /// True for failures that may pass when the request is sent again.
    public var isTransient: Bool {
        switch self {
        case .timedOut, .connectionReset, .truncatedBody, .connectionFailed: return true
        case .invalidURL, .invalidRequest, .insecureURL, .hostNotFound, .tls, .bodyTooLarge, .other: return false
        }
    }

    /// A human-readable message saying what failed and what to check.
    public var description: String {
        switch self {
        case .invalidURL(let reason):
            return "invalid URL: \(reason)"
        case .invalidRequest(let reason):
            return "invalid HTTP request: \(reason)"
        case .insecureURL(let host):
            return "refusing plain http:// to \(host): the API secret would travel unencrypted. Use https://, "
                + "or http:// only to a loopback address (127.0.0.1, ::1, localhost)"
        case .hostNotFound(let host):
            return "could not resolve host \(host): check the base URL and DNS"
        case .connectionFailed(let host, let detail):
            return "could not connect to \(host) (\(detail)): check that the service is up and reachable"
        case .timedOut(let host, let detail):
            return "request to \(host) timed out (\(detail))"
        case .connectionReset(let host, let detail):
            return "connection to \(host) broke during the exchange (\(detail))"
        case .truncatedBody(let host, let detail):
            return "response from \(host) was cut short (\(detail))"
        case .tls(let host, let detail):
            return "TLS with \(host) failed (\(detail)): check the system CA certificates and the host name"
        case .bodyTooLarge(let host, let limit):
            return "response from \(host) is larger than the \(limit)-byte limit"
        case .other(let host, let code, let detail):
            return "HTTP exchange with \(host) failed (libcurl error \(code): \(detail))"
        }
    }
}
