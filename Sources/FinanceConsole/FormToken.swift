import WireFormat

/// The per-session anti-CSRF token: HMAC-SHA256 (RFC 2104) of the session id and the user under
/// a key that lives as long as the process. A form posted from another site carries no token
/// (nor, with `SameSite=Strict`, the session cookie); a token from another session or user does
/// not match.
public struct FormToken: Sendable {
    private let key: [UInt8]

    /// A token maker with `key` (32 random bytes in the console).
    public init(key: [UInt8]) {
        self.key = key
    }

    /// The token of `session` for `user`.
    public func token(session: String, user: String) -> String {
        SHA256.hex(SHA256.hmac(key: key, message: Array("\(session)\n\(user)".utf8)))
    }

    /// Whether `candidate` is the token of `session` for `user` (compared in constant time).
    public func verify(_ candidate: String, session: String, user: String) -> Bool {
        let expected = Array(token(session: session, user: user).utf8)
        let given = Array(candidate.utf8)
        guard expected.count == given.count else { return false }
        var difference: UInt8 = 0
        for (a, b) in zip(expected, given) { difference |= a ^ b }
        return difference == 0
    }
}
