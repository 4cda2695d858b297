/// When and how long to wait before sending a failed PortOne request again: exponential
/// backoff with full jitter, within a budget of attempts and total time. Pure: the random
/// number is a parameter, so tests check decisions without sleeping.
public struct RetryPolicy: Sendable, Hashable {
    /// The most attempts of one request, the first included.
    public var maximumAttempts: Int
    /// The most time one request may take across its attempts and waits.
    public var maximumElapsed: Duration
    /// The backoff cap of the first retry; doubles with every attempt.
    public var baseDelay: Duration
    /// The largest backoff cap.
    public var maximumDelay: Duration
    /// The longest `Retry-After` honoured; a longer one gives up instead of waiting.
    public var maximumRetryAfter: Duration

    /// Creates a policy; the defaults are 8 attempts within 5 minutes, 250 ms doubling up to 20 s.
    public init(
        maximumAttempts: Int = 8, maximumElapsed: Duration = .seconds(300), baseDelay: Duration = .milliseconds(250),
        maximumDelay: Duration = .seconds(20), maximumRetryAfter: Duration = .seconds(120)
    ) {
        self.maximumAttempts = max(1, maximumAttempts)
        self.maximumElapsed = maximumElapsed
        self.baseDelay = baseDelay
        self.maximumDelay = maximumDelay
        self.maximumRetryAfter = maximumRetryAfter
    }

    /// No retries at all.
    public static let never = RetryPolicy(maximumAttempts: 1)

    /// What to do after a failed attempt.
    public enum Decision: Sendable, Hashable {
        /// Wait this long, then send again.
        case retry(after: Duration)
        /// Stop: the outcome is final or the budget is spent (the reason says which).
        case giveUp(reason: String)
    }

    /// The backoff cap before attempt `attempt + 1`: `min(maximumDelay, baseDelay × 2^(attempt−1))`.
    public func backoffCap(afterAttempt attempt: Int) -> Duration {
        let exponent = min(max(0, attempt - 1), 30)
        let cap = baseDelay * (1 << exponent)
        return min(cap, maximumDelay)
    }

    /// Decides after attempt number `attempt` (1-based) ended with `outcome`, `elapsed` after the
    /// first attempt started. `random` is uniform in `0..<1` (full jitter: the wait is
    /// `random × cap`); a `retryAfter` from the server is a floor on the wait.
    public func decide(
        attempt: Int, outcome: RequestOutcome, elapsed: Duration, retryAfter: Duration?, random: Double
    ) -> Decision {
        guard outcome.isRetryable else { return .giveUp(reason: "\(outcome.rawValue) is not retried") }
        guard attempt < maximumAttempts else {
            return .giveUp(reason: "gave up after \(attempt) attempts")
        }
        if let retryAfter, retryAfter > maximumRetryAfter {
            return .giveUp(reason: "the server asked to wait \(retryAfter), more than the \(maximumRetryAfter) allowed")
        }
        let jitter = backoffCap(afterAttempt: attempt) * min(max(random, 0), 1)
        let wait = max(jitter, retryAfter ?? .zero)
        guard elapsed + wait < maximumElapsed else {
            return .giveUp(reason: "the retry budget of \(maximumElapsed) is spent")
        }
        return .retry(after: wait)
    }
}
