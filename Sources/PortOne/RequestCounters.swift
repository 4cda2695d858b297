import Synchronization

/// Thread-safe counts of PortOne attempts by ``RequestOutcome`` (the metrics layer reads them).
public final class RequestCounters: Sendable {
    private let counts = Mutex<[RequestOutcome: Int]>([:])
    private let decoding = Mutex<Duration>(.zero)

    /// Creates zeroed counters.
    public init() {}

    /// Counts one attempt.
    public func record(_ outcome: RequestOutcome) {
        counts.withLock { $0[outcome, default: 0] += 1 }
    }

    /// The count of one outcome.
    public func count(_ outcome: RequestOutcome) -> Int {
        counts.withLock { $0[outcome] ?? 0 }
    }

    /// Every outcome with its count (zeros included), in `RequestOutcome.allCases` order.
    public func snapshot() -> [(outcome: RequestOutcome, count: Int)] {
        let current = counts.withLock { $0 }
        return RequestOutcome.allCases.map { ($0, current[$0] ?? 0) }
    }

    /// Adds the time one response body took to decode.
    public func recordDecoding(_ duration: Duration) {
        decoding.withLock { $0 += duration }
    }

    /// Time spent decoding response bodies so far, summed over all threads.
    public var decodingTime: Duration { decoding.withLock { $0 } }

    /// All attempts so far.
    public var total: Int { counts.withLock { $0.values.reduce(0, +) } }
}
