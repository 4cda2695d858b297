/// Which URLs the transport accepts: `https://` anywhere, plain `http://` only to loopback.
///
/// The PortOne secret travels in a header, so clear-text HTTP is allowed only where it never
/// leaves the machine (the simulator in tests and the demo).
public enum HTTPURLPolicy {
    /// The scheme and host of an acceptable URL.
    public struct Target: Sendable, Hashable {
        /// `http` or `https`, lower case.
        public var scheme: String
        /// The host, without brackets for IPv6 literals.
        public var host: String
    }

    /// Checks a URL against the policy.
    public static func check(_ url: String) throws(HTTPTransportError) -> Target {
        guard let schemeEnd = url.range(of: "://") else {
            throw .invalidURL(reason: "missing scheme (expected https://host/...)")
        }
        let scheme = url[..<schemeEnd.lowerBound].lowercased()
        let rest = url[schemeEnd.upperBound...]
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        let hostPort = authority.split(separator: "@", omittingEmptySubsequences: false).last ?? ""
        var host: Substring
        if hostPort.hasPrefix("[") {
            guard let close = hostPort.firstIndex(of: "]") else {
                throw .invalidURL(reason: "unterminated IPv6 literal")
            }
            host = hostPort[hostPort.index(after: hostPort.startIndex)..<close]
        } else {
            host = hostPort.prefix { $0 != ":" }
        }
        guard !host.isEmpty else { throw .invalidURL(reason: "missing host") }
        guard !url.contains(where: { $0 == " " || $0 == "\n" || $0 == "\r" }) else {
            throw .invalidURL(reason: "whitespace in URL")
        }
        switch scheme {
        case "https":
            return Target(scheme: scheme, host: String(host))
        case "http":
            guard isLoopback(host: String(host)) else { throw .insecureURL(host: String(host)) }
            return Target(scheme: scheme, host: String(host))
        default:
            throw .invalidURL(reason: "unsupported scheme '\(scheme)' (only https, or http to loopback)")
        }
    }

    /// True for `localhost`, `::1` and addresses in 127.0.0.0/8.
    public static func isLoopback(host: String) -> Bool {
        let lowered = host.lowercased()
        if lowered == "localhost" || lowered == "localhost." || lowered == "::1" || lowered == "0:0:0:0:0:0:0:1" {
            return true
        }
        let octets = lowered.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4 else { return false }
        var values: [Int] = []
        for octet in octets {
            guard !octet.isEmpty, octet.count <= 3, octet.allSatisfy(\.isASCII), let value = Int(octet),
                value <= 255
            else { return false }
            values.append(value)
        }
        return values[0] == 127
    }
}
