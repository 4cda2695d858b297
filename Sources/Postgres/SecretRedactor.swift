import Foundation

/// Replaces secrets (and their percent-encoded forms) in text with `<redacted>`.
struct SecretRedactor: Sendable {
    private let needles: [String]

    init(secrets: [String]) {
        var needles = Set<String>()
        for secret in secrets where !secret.isEmpty {
            needles.insert(secret)
            if let encoded = secret.addingPercentEncoding(withAllowedCharacters: .alphanumerics) {
                needles.insert(encoded)
            }
            if let decoded = secret.removingPercentEncoding { needles.insert(decoded) }
        }
        // Longest first, so a secret that contains another is replaced whole.
        self.needles = needles.filter { !$0.isEmpty }.sorted { $0.count > $1.count }
    }

    func redact(_ text: String) -> String {
        var text = text
        for needle in needles { text = text.replacingOccurrences(of: needle, with: "<redacted>") }
        return text
    }

    /// Best-effort password extraction from a URL libpq could not parse: the userinfo of a URI
    /// (`scheme://user:PASSWORD@`) and the value of a `password=` pair.
    static func passwordCandidates(inURL text: String) -> [String] {
        var candidates: [String] = []
        if let scheme = text.range(of: "://") {
            let rest = text[scheme.upperBound...]
            let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
            let authority = rest[..<authorityEnd]
            if let at = authority.lastIndex(of: "@") {
                let userinfo = authority[..<at]
                if let colon = userinfo.firstIndex(of: ":") {
                    candidates.append(String(userinfo[userinfo.index(after: colon)...]))
                }
            }
            // Query parameter form: ?password=...
            if let range = rest.range(of: "password=") {
                let value = rest[range.upperBound...].prefix { $0 != "&" }
                candidates.append(String(value))
            }
        }
        var searchStart = text.startIndex
        while let range = text.range(of: "password", range: searchStart..<text.endIndex) {
            searchStart = range.upperBound
            var index = range.upperBound
            while index < text.endIndex, text[index] == " " { index = text.index(after: index) }
            guard index < text.endIndex, text[index] == "=" else { continue }
            index = text.index(after: index)
            while index < text.endIndex, text[index] == " " { index = text.index(after: index) }
            guard index < text.endIndex else { break }
            if text[index] == "'" {
                let start = text.index(after: index)
                let end = text[start...].firstIndex(of: "'") ?? text.endIndex
                candidates.append(String(text[start..<end]))
            } else {
                candidates.append(String(text[index...].prefix { $0 != " " && $0 != "&" }))
            }
        }
        return candidates.filter { !$0.isEmpty }
    }
}
