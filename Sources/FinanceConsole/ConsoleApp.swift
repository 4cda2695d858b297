import Foundation
import LoopbackHTTP
import ReconcilerCore

/// The finance console's request handling (DESIGN §10), without sockets: who the user is (the
/// reverse proxy's header, refused without it), the session cookie and its form token, the role
/// each route needs, and the security headers of every answer. ``ConsoleServer`` puts it on a
/// loopback port or a Unix socket.
public struct ConsoleApp: Sendable {
    /// The `console` settings.
    public let settings: ConsoleSettings
    /// The sections in navigation order.
    public let sections: [ConsoleSection]
    /// The language and time zone of the console's own pages (refusals); the sections carry theirs.
    public let locale: ConsoleLocale
    private var words: ConsoleWording { locale.words }
    private let tokens: FormToken
    private let newSession: @Sendable () -> String

    /// The session cookie's name.
    public static let sessionCookie = "console_session"

    /// The Content-Security-Policy of the console's own pages: nothing inline, nothing external,
    /// the stylesheet from the console itself, forms only to the console.
    public static let contentSecurityPolicy =
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

    /// A console with `sections` (``ConsoleSections/standard(data:locale:)`` and any added later),
    /// form tokens under `key`, and session ids from `newSession`.
    public init(
        settings: ConsoleSettings, sections: [ConsoleSection], key: [UInt8], locale: ConsoleLocale = .english,
        newSession: @escaping @Sendable () -> String = ConsoleApp.randomSession
    ) {
        self.settings = settings
        self.locale = locale
        self.sections = sections
        self.tokens = FormToken(key: key)
        self.newSession = newSession
    }

    /// 32 random bytes in hex.
    public static func randomSession() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }

    /// Answers one request.
    public func respond(_ request: HTTPRequest) -> HTTPResponse {
        if request.path == "/static/console.css" {
            guard request.method == "GET" || request.method == "HEAD" else { return methodNotAllowed("GET, HEAD") }
            var response = HTTPResponse(
                status: 200, headers: [("Content-Type", "text/css; charset=utf-8")], body: Array(ConsoleStyle.css.utf8))
            response.headers += Self.securityHeaders(csp: Self.contentSecurityPolicy)
            response.headers.append(("Cache-Control", "private, max-age=300"))
            return response
        }
        // Who is asking: only the reverse proxy sets this header (the console listens nowhere else).
        guard let user = request.header(settings.userHeader.lowercased()), !user.isEmpty else {
            return page(
                status: 401, title: words.notSignedInTitle,
                body: ConsolePages.refusal(words.notSignedInTitle, words.notSignedIn(settings.userHeader)),
                session: nil, user: nil)
        }
        guard user.utf8.count <= 200, user.unicodeScalars.allSatisfy({ $0.value >= 32 && $0.value != 127 }) else {
            return page(
                status: 400, title: words.badUserTitle, body: ConsolePages.refusal(words.badUserTitle, words.badUser),
                session: nil, user: nil)
        }
        let cookie = Self.cookie(Self.sessionCookie, in: request)
        let session = cookie ?? newSession()
        let setCookie = cookie == nil ? session : nil
        let roles = Set(ConsoleRole.allCases.filter { $0.isHeld(by: user, settings: settings) })
        let token = tokens.token(session: session, user: user)
        let navigation = sections.map { (title: $0.title, path: $0.path) }

        let method = request.method == "HEAD" ? "GET" : request.method
        let candidates = sections.flatMap(\.routes).compactMap { route in route.match(request.path).map { (route, $0) }
        }
        guard !candidates.isEmpty else {
            return page(
                status: 404, title: words.notFoundTitle,
                body: ConsolePages.refusal(words.notFoundTitle, words.noSuchPage),
                session: setCookie, user: user, navigation: navigation)
        }
        guard let (route, id) = candidates.first(where: { $0.0.method == method }) else {
            return methodNotAllowed(Set(candidates.map(\.0.method)).sorted().joined(separator: ", "))
        }
        var form: [String: String] = [:]
        if method == "POST" {
            guard
                request.header("content-type")?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true,
                let fields = Self.formFields(request.body)
            else {
                return page(
                    status: 400, title: words.badFormTitle,
                    body: ConsolePages.refusal(words.badFormTitle, words.badForm),
                    session: setCookie, user: user, navigation: navigation)
            }
            form = fields
            // The session cookie is SameSite=Strict and the token is bound to it and to the user.
            guard cookie != nil, tokens.verify(form["_token"] ?? "", session: session, user: user) else {
                return page(
                    status: 403, title: words.formExpiredTitle,
                    body: ConsolePages.refusal(words.formExpiredTitle, words.formExpired), session: setCookie,
                    user: user, navigation: navigation)
            }
        }
        guard roles.contains(route.role) else {
            return page(
                status: 403, title: words.notAllowedTitle,
                body: ConsolePages.refusal(
                    words.notAllowedTitle, words.notAllowed(user, route.role.rawValue, route.role.settingName)),
                session: setCookie, user: user, navigation: navigation)
        }
        let answer = route.handle(
            ConsoleRequest(
                http: request, user: user, roles: roles, id: id, form: form, token: token, sections: navigation))
        switch answer {
        case .page(let status, let title, let body):
            return page(
                status: status, title: title, body: body, session: setCookie, user: user, navigation: navigation)
        case .redirect(let path):
            var response = HTTPResponse(status: 303, headers: [("Location", path)], body: [])
            response.headers += Self.securityHeaders(csp: Self.contentSecurityPolicy)
            return withCookie(response, setCookie)
        case .document(let html, let hashes):
            var response = HTTPResponse(
                status: 200, headers: [("Content-Type", "text/html; charset=utf-8")], body: Array(html.utf8))
            let styles = hashes.map { "'sha256-\($0)'" }.joined(separator: " ")
            response.headers += Self.securityHeaders(
                csp:
                    "default-src 'none'; style-src \(styles.isEmpty ? "'none'" : styles); img-src data:; form-action 'none'; frame-ancestors 'none'; base-uri 'none'"
            )
            return withCookie(response, setCookie)
        case .download(let contentType, let fileName, let body):
            var response = HTTPResponse(
                status: 200,
                headers: [
                    ("Content-Type", contentType), ("Content-Disposition", "attachment; filename=\"\(fileName)\""),
                ], body: body)
            response.headers += Self.securityHeaders(csp: "default-src 'none'; sandbox")
            return withCookie(response, setCookie)
        }
    }

    private func methodNotAllowed(_ allowed: String) -> HTTPResponse {
        var response = HTTPResponse.text(405, "method not allowed here; use \(allowed)\n")
        response.headers.append(("Allow", allowed))
        response.headers += Self.securityHeaders(csp: Self.contentSecurityPolicy)
        return response
    }

    private func page(
        status: Int, title: String, body: String, session: String?, user: String?,
        navigation: [(title: String, path: String)] = []
    ) -> HTTPResponse {
        let html = ConsolePages.layout(
            title: title, user: user, navigation: navigation, main: body, language: locale.language)
        var response = HTTPResponse(
            status: status, headers: [("Content-Type", "text/html; charset=utf-8")], body: Array(html.utf8))
        response.headers += Self.securityHeaders(csp: Self.contentSecurityPolicy)
        return withCookie(response, session)
    }

    private func withCookie(_ response: HTTPResponse, _ session: String?) -> HTTPResponse {
        guard let session else { return response }
        var response = response
        response.headers.append(
            ("Set-Cookie", "\(Self.sessionCookie)=\(session); Path=/; HttpOnly; Secure; SameSite=Strict"))
        return response
    }

    /// The headers every answer carries.
    static func securityHeaders(csp: String) -> [(String, String)] {
        [
            ("Content-Security-Policy", csp), ("X-Content-Type-Options", "nosniff"), ("X-Frame-Options", "DENY"),
            ("Referrer-Policy", "no-referrer"), ("Cache-Control", "no-store"),
            ("Cross-Origin-Opener-Policy", "same-origin"), ("Cross-Origin-Resource-Policy", "same-origin"),
        ]
    }

    /// The value of cookie `name`, when it is a well-formed session id.
    static func cookie(_ name: String, in request: HTTPRequest) -> String? {
        for header in request.headers where header.name == "cookie" {
            for pair in header.value.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == name else { continue }
                let value = parts[1].trimmingCharacters(in: .whitespaces)
                if value.utf8.count == 64, value.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) })
                {
                    return value
                }
            }
        }
        return nil
    }

    /// The fields of an `application/x-www-form-urlencoded` body; nil when it is malformed.
    static func formFields(_ body: [UInt8]) -> [String: String]? {
        guard let text = String(validating: body, as: UTF8.self) else { return nil }
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let key = HTTPRequest.percentDecode(parts[0], plusIsSpace: true),
                let value = HTTPRequest.percentDecode(parts.count > 1 ? parts[1] : "", plusIsSpace: true)
            else { return nil }
            fields[key] = value
        }
        return fields
    }
}
