/// A complete HTTP response: status, header fields and the (decompressed) body.
public struct HTTPResponse: Sendable {
    /// The status code of the final response (after any `100 Continue`).
    public var status: Int
    /// Header fields of the final response, in order, as (name, value).
    public var headers: [(name: String, value: String)]
    /// The body bytes, already decoded from `Content-Encoding: gzip` when the server used it.
    public var body: [UInt8]

    /// True when the request went over a kept-alive connection (no new connection was made).
    public var reusedConnection: Bool

    /// Creates a response.
    public init(status: Int, headers: [(name: String, value: String)], body: [UInt8], reusedConnection: Bool = false) {
        self.status = status
        self.headers = headers
        self.body = body
        self.reusedConnection = reusedConnection
    }

    /// The value of the first header field with this name (case-insensitive), if any.
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }

    /// True for 2xx statuses.
    public var isSuccess: Bool { (200..<300).contains(status) }
}
