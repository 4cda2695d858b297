import LoopbackHTTP

/// One page or action of the console: a method, a path pattern, the role it needs, and what it
/// answers. The console is a table of these (``ConsoleSection``), so a section (the plans) plugs
/// in by adding its routes, and every route gets the same identity, role and token checks.
public struct ConsoleRoute: Sendable {
    /// `GET` (HEAD is answered by the same route) or `POST`.
    public var method: String
    /// The path, one pattern segment per path segment: a literal, or `{id}` for a positive number.
    public var pattern: [String]
    /// The role the route needs beyond signing in; POST routes also need the form token.
    public var role: ConsoleRole
    /// Answers the request.
    public var handle: @Sendable (ConsoleRequest) -> ConsoleResponse

    /// Creates a route for `path` such as `/discrepancies/{id}/resolve`.
    public init(
        _ method: String, _ path: String, role: ConsoleRole = .reader,
        handle: @escaping @Sendable (ConsoleRequest) -> ConsoleResponse
    ) {
        self.method = method
        self.pattern = path.split(separator: "/").map(String.init)
        self.role = role
        self.handle = handle
    }

    /// The `{id}` of `path` when the route matches it (0 for a route without one), else nil.
    func match(_ path: String) -> Int64? {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        let parts = segments.last == "" && segments.count > 1 ? Array(segments.dropLast()) : Array(segments)
        let wanted = pattern.isEmpty ? [""] : pattern
        guard parts.count == wanted.count else { return nil }
        var id: Int64 = 0
        for (part, want) in zip(parts, wanted) {
            if want == "{id}" {
                guard part.utf8.count <= 18, part.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let number = Int64(part),
                    number > 0
                else { return nil }
                id = number
            } else if part != want {
                return nil
            }
        }
        return id
    }
}

/// A part of the console with its own entry in the navigation: runs, discrepancies, and later
/// the plans.
public struct ConsoleSection: Sendable {
    /// The navigation label.
    public var title: String
    /// Where the navigation entry leads.
    public var path: String
    /// The section's pages and actions.
    public var routes: [ConsoleRoute]

    /// Creates a section.
    public init(title: String, path: String, routes: [ConsoleRoute]) {
        self.title = title
        self.path = path
        self.routes = routes
    }
}

/// A request as a route sees it: already signed in, role and token checked.
public struct ConsoleRequest: Sendable {
    /// The HTTP request.
    public var http: HTTPRequest
    /// The user the reverse proxy named.
    public var user: String
    /// The roles the user holds.
    public var roles: Set<ConsoleRole>
    /// The `{id}` of the path (0 when the route has none).
    public var id: Int64
    /// The form fields of a POST (`application/x-www-form-urlencoded`).
    public var form: [String: String]
    /// The token every form of the page must carry.
    public var token: String
    /// The navigation.
    public var sections: [(title: String, path: String)]
}

/// What a route answers: a page, a redirect, or a whole document of its own (the run report).
public enum ConsoleResponse: Sendable {
    /// A console page: status, title and the HTML of its main part.
    case page(status: Int, title: String, body: String)
    /// 303 to a path of the console (after a POST).
    case redirect(String)
    /// A complete HTML document with the `style-src` hashes its inline styles need.
    case document(html: String, styleHashes: [String])
    /// A plain download.
    case download(contentType: String, fileName: String, body: [UInt8])
}
