/// Where a run's time went, measured with a monotonic clock around each kind of work (a few clock
/// reads per page or statement, never per-payment system calls). For the benchmark and profiling.
public struct RunTimings: Sendable, Hashable {
    /// Decoding PortOne response bodies, summed over the concurrent requests.
    public var decoding: Duration = .zero
    /// The pure core deciding payments (scan, look-ups and the re-decisions before repairs).
    public var deciding: Duration = .zero
    /// Waiting for PostgreSQL statements (client and server work, both connections).
    public var database: Duration = .zero
    /// `database` by what the statements were for: `ledger` (rows by payment), `accounts`,
    /// `discrepancies` (recording and closing), `repairs` (repair transactions), `audit` (the
    /// balance audit), `window` (the ledger's payment ids of the window).
    public var databaseBy: [String: Duration] = [:]
    /// Wall time of the repair phase (limits, re-fetches, repair transactions).
    public var applying: Duration = .zero

    /// Zero timings.
    public init() {}
}
