/// Settings of an ``HTTPClient``.
public struct HTTPClientConfiguration: Sendable, Hashable {
    /// Time allowed to establish the TCP (and TLS) connection.
    public var connectTimeout: Duration
    /// Time allowed for the whole exchange. PortOne recommends at least 60 s.
    public var totalTimeout: Duration
    /// How many requests run at once; each worker owns one libcurl handle and its connection.
    public var maximumConcurrentRequests: Int
    /// Responses larger than this are refused (protects memory from a runaway server).
    public var maximumBodyBytes: Int
    /// The `User-Agent` header.
    public var userAgent: String

    /// Creates a configuration; the defaults suit PortOne (10 s connect, 60 s total, 4 workers,
    /// 256 MiB bodies). Callers pass `ProductVersion.userAgent` as the user agent.
    public init(
        userAgent: String, connectTimeout: Duration = .seconds(10), totalTimeout: Duration = .seconds(60),
        maximumConcurrentRequests: Int = 4, maximumBodyBytes: Int = 256 << 20
    ) {
        self.connectTimeout = connectTimeout
        self.totalTimeout = totalTimeout
        self.maximumConcurrentRequests = max(1, maximumConcurrentRequests)
        self.maximumBodyBytes = maximumBodyBytes
        self.userAgent = userAgent
    }
}
