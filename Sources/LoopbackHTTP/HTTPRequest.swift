/// One parsed HTTP/1.x request.
public struct HTTPRequest: Sendable, Hashable {
    /// The method, e.g. `GET`.
    public var method: String
    /// The request target as sent, e.g. `/payments?requestBody=...`.
    public var target: String
    /// The percent-decoded path, e.g. `/payments/pay 1`.
    public var path: String
    /// The raw (still percent-encoded) path.
    public var rawPath: String
    /// Query parameters, percent-decoded (`+` is a space); the last value wins.
    public var query: [String: String]
    /// Header fields with lowercase names, in order.
    public var headers: [(name: String, value: String)]
    /// The body.
    public var body: [UInt8]
    /// Minor HTTP version (0 or 1).
    public var minorVersion: Int

    /// Creates a request (the parser's result; tests build their own).
    public init(
        method: String, target: String, path: String, rawPath: String, query: [String: String],
        headers: [(name: String, value: String)], body: [UInt8], minorVersion: Int
    ) {
        self.method = method
        self.target = target
        self.path = path
        self.rawPath = rawPath
        self.query = query
        self.headers = headers
        self.body = body
        self.minorVersion = minorVersion
    }

    /// The first value of header `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.first { $0.name == lower }?.value
    }

    /// Whether the connection stays open after the response.
    public var keepAlive: Bool {
        let connection = header("connection")?.lowercased() ?? ""
        if minorVersion == 0 { return connection.contains("keep-alive") }
        return !connection.contains("close")
    }

    /// Requests are equal when method, target, headers and body are.
    public static func == (lhs: HTTPRequest, rhs: HTTPRequest) -> Bool {
        lhs.method == rhs.method && lhs.target == rhs.target && lhs.body == rhs.body
            && lhs.headers.map { "\($0.name):\($0.value)" } == rhs.headers.map { "\($0.name):\($0.value)" }
    }

    /// Hashes method and target.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(method)
        hasher.combine(target)
    }

    /// Percent-decodes `text` (and `+` as space when `plusIsSpace`); nil on a bad escape or bad UTF-8.
    public static func percentDecode(_ text: Substring, plusIsSpace: Bool) -> String? {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        var bytes = text.utf8.makeIterator()
        func hexValue(_ b: UInt8) -> UInt8? {
            switch b {
            case 48...57: b - 48
            case 65...70: b - 55
            case 97...102: b - 87
            default: nil
            }
        }
        while let b = bytes.next() {
            if b == 37 {
                guard let h = bytes.next(), let l = bytes.next(), let hv = hexValue(h), let lv = hexValue(l) else {
                    return nil
                }
                out.append(hv << 4 | lv)
            } else if b == 43 && plusIsSpace {
                out.append(32)
            } else {
                out.append(b)
            }
        }
        return String(validating: out, as: UTF8.self)
    }
}
