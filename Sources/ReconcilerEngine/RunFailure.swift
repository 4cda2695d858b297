/// Why a run stopped without finishing; the command line maps each case to its exit status.
public enum RunFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// Another run holds the lock (exit 75); the message names the holder.
    case lockHeld(String)
    /// PostgreSQL or PortOne could not be reached (exit 69).
    case unavailable(String)
    /// The configuration or the credentials are wrong (exit 78).
    case configuration(String)
    /// The run found more or bigger repairs than allowed and applied none (exit 1).
    case fixLimitExceeded(runId: Int64, String)
    /// Anything else (exit 1).
    case failed(String)

    /// What happened and what to do.
    public var description: String {
        switch self {
        case .lockHeld(let message), .unavailable(let message), .configuration(let message), .failed(let message):
            return message
        case .fixLimitExceeded(let runId, let message):
            return "run \(runId) applied no repairs: \(message)"
        }
    }
}
