import Foundation
import WireFormat

/// Signs and verifies PortOne V2 webhooks (version 2024-04-25) the Standard Webhooks way
/// (API-NOTES §8): `webhook-signature` is `v1,` followed by
/// `base64(HMAC-SHA256(key, "<webhook-id>.<webhook-timestamp>.<raw body>"))`, where the key is
/// the secret without its optional `whsec_` prefix, base64-decoded.
public struct WebhookSigner: Sendable, Hashable {
    /// The HMAC key (the decoded secret).
    private let key: [UInt8]

    /// A signer for `secret` (`whsec_` prefix optional); nil when the rest is not base64 or empty.
    public init?(secret: String) {
        let text = secret.hasPrefix("whsec_") ? String(secret.dropFirst("whsec_".count)) : secret
        guard let decoded = Data(base64Encoded: text), !decoded.isEmpty else { return nil }
        key = Array(decoded)
    }

    /// The `webhook-signature` header value for one delivery: `v1,<base64 signature>`.
    public func signature(webhookId: String, timestamp: Int64, body: [UInt8]) -> String {
        let message = Array("\(webhookId).\(timestamp).".utf8) + body
        return "v1," + Data(SHA256.hmac(key: key, message: message)).base64EncodedString()
    }

    /// Whether `header` (a space-separated list of `v1,<signature>` entries) holds a `v1` entry
    /// that matches, compared in constant time. The caller checks the timestamp's age.
    public func verify(webhookId: String, timestamp: Int64, body: [UInt8], header: String) -> Bool {
        let expected = Array(signature(webhookId: webhookId, timestamp: timestamp, body: body).utf8)
        var matched = false
        for entry in header.split(separator: " ") {
            let candidate = Array(entry.utf8)
            guard candidate.count == expected.count else { continue }
            var difference: UInt8 = 0
            for (a, b) in zip(candidate, expected) { difference |= a ^ b }
            if difference == 0 { matched = true }
        }
        return matched
    }
}
