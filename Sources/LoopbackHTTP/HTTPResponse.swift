/// An HTTP response, and how to deliver it (faults may cut or drop it).
public struct HTTPResponse: Sendable {
    /// How the response is delivered.
    public enum Delivery: Sendable, Equatable {
        /// Send it whole.
        case normal
        /// Close the connection without sending anything.
        case drop
        /// Send the head (with the full Content-Length) and only this many body bytes, then close.
        case truncate(bodyBytes: Int)
    }

    /// Status code.
    public var status: Int
    /// Header fields (Content-Length, Connection and Date are added when sending).
    public var headers: [(String, String)]
    /// Body bytes.
    public var body: [UInt8]
    /// Delivery.
    public var delivery: Delivery = .normal
    /// Close the connection after this response.
    public var close = false

    /// Creates a response.
    public init(status: Int, headers: [(String, String)] = [], body: [UInt8] = [], close: Bool = false) {
        self.status = status
        self.headers = headers
        self.body = body
        self.close = close
    }

    /// A JSON response.
    public static func json(_ status: Int, _ body: [UInt8]) -> HTTPResponse {
        HTTPResponse(status: status, headers: [("Content-Type", "application/json; charset=utf-8")], body: body)
    }

    /// A plain-text response.
    public static func text(_ status: Int, _ text: String, close: Bool = false) -> HTTPResponse {
        HTTPResponse(
            status: status, headers: [("Content-Type", "text/plain; charset=utf-8")], body: Array(text.utf8),
            close: close)
    }

    /// The head bytes (status line and headers).
    public func head(keepAlive: Bool) -> [UInt8] {
        var text = "HTTP/1.1 \(status) \(Self.reason(status))\r\n"
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        text += "Content-Length: \(body.count)\r\n"
        text += keepAlive ? "Connection: keep-alive\r\n" : "Connection: close\r\n"
        text += "\r\n"
        return Array(text.utf8)
    }

    /// The reason phrase for a status code.
    public static func reason(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 303: "See Other"
        case 405: "Method Not Allowed"
        case 408: "Request Timeout"
        case 411: "Length Required"
        case 413: "Content Too Large"
        case 429: "Too Many Requests"
        case 431: "Request Header Fields Too Large"
        case 500: "Internal Server Error"
        case 501: "Not Implemented"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        case 505: "HTTP Version Not Supported"
        default: "Status"
        }
    }
}
