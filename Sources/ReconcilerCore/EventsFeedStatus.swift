/// Whether a window run read PortOne's journal of money movements (`GET
/// /payment-events-by-cursor`, unstable at PortOne) over its window (ARCHITECTURE §5.4).
public enum EventsFeedStatus: Sendable, Hashable, Codable {
    /// Read to its end over the window.
    case read
    /// Not read to its end (it answered 404 or 403, or a shape that cannot be read, after
    /// retries); the run relied on the status scan for what it did not read.
    case unavailable(reason: String)

    /// `read` or `unavailable`, as the JSON report spells it.
    public var name: String {
        switch self {
        case .read: return "read"
        case .unavailable: return "unavailable"
        }
    }
}
