/// One HTTP request as the transport sends it.
///
/// Header values may be secret (`Authorization`): `description` prints header names only, and
/// no error of this module ever contains a header value.
public struct HTTPRequest: Sendable, CustomStringConvertible {
    /// The request method.
    public enum Method: String, Sendable, Hashable {
        /// GET (PortOne's list endpoints carry their JSON body in the query).
        case get = "GET"
        /// POST with a body.
        case post = "POST"
        /// PUT with a body.
        case put = "PUT"
        /// DELETE.
        case delete = "DELETE"
    }

    /// The method.
    public var method: Method
    /// The absolute URL (`https://…`, or `http://` to a loopback host only).
    public var url: String
    /// Header fields in order, as (name, value). Do not add `User-Agent`, `Accept-Encoding`,
    /// `Host` or `Content-Length`: the transport sets them.
    public var headers: [(name: String, value: String)]
    /// The body, sent when non-nil (with `Content-Length`).
    public var body: [UInt8]?

    /// Creates a request.
    public init(
        method: Method = .get, url: String, headers: [(name: String, value: String)] = [],
        body: [UInt8]? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }

    /// Method, URL and header names; header values are never printed.
    public var description: String {
        "\(method.rawValue) \(url) headers: [\(headers.map(\.name).joined(separator: ", "))]"
    }
}
