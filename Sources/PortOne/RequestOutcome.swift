/// How one HTTP attempt against PortOne ended; counted per attempt for the metrics.
public enum RequestOutcome: String, Sendable, Hashable, CaseIterable {
    /// 2xx with a readable body.
    case ok
    /// 429.
    case rateLimited = "rate_limited"
    /// 5xx.
    case serverError = "server_error"
    /// Connect or total timeout (or 408).
    case timeout
    /// Connection refused, reset, dropped, or the body was cut short.
    case connectionError = "connection_error"
    /// 2xx whose body is not the expected JSON (HTML, malformed).
    case invalidResponse = "invalid_response"
    /// 400, 401, 403 and other 4xx.
    case clientError = "client_error"
    /// 404 PAYMENT_NOT_FOUND, a normal answer of `GET /payments/{id}`.
    case notFound = "not_found"

    /// True when the request is worth sending again.
    public var isRetryable: Bool {
        switch self {
        case .rateLimited, .serverError, .timeout, .connectionError, .invalidResponse: return true
        case .ok, .clientError, .notFound: return false
        }
    }
}
