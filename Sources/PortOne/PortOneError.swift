/// Why a PortOne call failed. Switch on it; every case's `description` says what was wrong and
/// what to do, and never contains the API secret.
public enum PortOneError: Error, Sendable, Hashable, CustomStringConvertible {
    /// 401: the secret is wrong, expired or of the wrong kind.
    case unauthorized(serverMessage: String?)
    /// 403: the store is not accessible with this secret.
    case forbidden(storeId: String, serverMessage: String?)
    /// 400: PortOne refused the request as invalid (a bug or an out-of-range query).
    case invalidRequest(serverMessage: String?)
    /// Another final HTTP status (e.g. 404 on a list endpoint, 409).
    case unexpectedStatus(status: Int, type: String?, serverMessage: String?)
    /// Retries did not help: PortOne is unreachable, failing or rate-limiting beyond the budget.
    case unavailable(attempts: Int, elapsed: Duration, lastProblem: String)
    /// The client is misconfigured (base URL, empty secret or store id).
    case configuration(reason: String)
    /// A scan cannot proceed within PortOne's paging limits.
    case scanLimitExceeded(reason: String)
    /// The calling task was cancelled.
    case cancelled

    /// A message for operators.
    public var description: String {
        switch self {
        case .unauthorized(let message):
            return "PortOne rejected the API secret (401 UNAUTHORIZED\(Self.suffix(message))). The secret is "
                + "wrong or expired (PortOne V2 API secrets have an expiry date). Check PORTONE_API_SECRET, "
                + "or issue a new V2 API secret in the PortOne console."
        case .forbidden(let storeId, let message):
            return "PortOne refused access to store '\(storeId)' (403 FORBIDDEN\(Self.suffix(message))). The store "
                + "id is not accessible with this API secret. Check PORTONE_STORE_ID and that the secret "
                + "belongs to that store."
        case .invalidRequest(let message):
            return "PortOne refused the request as invalid (400 INVALID_REQUEST\(Self.suffix(message))). "
                + "This is a reconciler bug or an out-of-range query; report it with this message."
        case .unexpectedStatus(let status, let type, let message):
            return "PortOne answered HTTP \(status)\(type.map { " \($0)" } ?? "")\(Self.suffix(message)), "
                + "which the reconciler does not expect here. Check PORTONE_API_BASE_URL."
        case .unavailable(let attempts, let elapsed, let problem):
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            return "PortOne is unavailable: \(problem) (after \(attempts) attempt\(attempts == 1 ? "" : "s") over "
                + "\(Int(seconds.rounded())) s). Check the network and PortOne's status page, then run again."
        case .configuration(let reason):
            return "PortOne client configuration error: \(reason)"
        case .scanLimitExceeded(let reason):
            return "PortOne scan stopped: \(reason)"
        case .cancelled:
            return "PortOne request cancelled"
        }
    }

    private static func suffix(_ message: String?) -> String {
        guard let message, !message.isEmpty else { return "" }
        return ": " + String(message.prefix(200))
    }
}
