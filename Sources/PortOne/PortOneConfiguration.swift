import HTTP
import ReconcilerCore

/// How to reach PortOne: base URL, credentials, store, retry budget and transport settings.
public struct PortOneConfiguration: Sendable {
    /// The API root, `https://api.portone.io` unless `PORTONE_API_BASE_URL` says otherwise
    /// (plain http only to loopback).
    public var baseURL: String
    /// The V2 API secret.
    public var secret: PortOneSecret
    /// The store id, sent with every request.
    public var storeId: String
    /// Retry budget per request.
    public var retry: RetryPolicy
    /// Transport settings (timeouts, concurrency); the user agent is the product's.
    public var http: HTTPClientConfiguration

    /// Requests in flight at once by default: the scan's sub-windows plus the payments fetched
    /// again before their repairs (each request waits about one round trip to PortOne, on a
    /// worker thread that costs little while it waits). The engine only uses this many when a
    /// run has thousands of repairs (`--max-fixes`); a nightly run of a few hundred stays far below.
    public static let concurrentRequests = 192

    /// The production API root.
    public static let defaultBaseURL = "https://api.portone.io"

    /// Creates a configuration.
    public init(
        baseURL: String = defaultBaseURL, secret: PortOneSecret, storeId: String, retry: RetryPolicy = RetryPolicy(),
        http: HTTPClientConfiguration = HTTPClientConfiguration(
            userAgent: ProductVersion.userAgent, maximumConcurrentRequests: concurrentRequests)
    ) {
        self.baseURL = baseURL
        self.secret = secret
        self.storeId = storeId
        self.retry = retry
        self.http = http
    }
}
