import WireFormat

/// The half-open interval `[from, until)` of status changes a run looks at (ARCHITECTURE §5.4).
public struct RunWindow: Sendable, Hashable {
    /// Where `from` came from, for logs and the run record.
    public enum Origin: String, Sendable, Hashable, CaseIterable {
        /// `--since` on the command line.
        case explicit
        /// The last successful checkpoint minus `policy.overlap`.
        case checkpoint
        /// No checkpoint yet: now minus `policy.initialLookback`.
        case initialLookback
        /// `run --full`: now minus the full sweep's lookback.
        case full
    }

    /// First instant covered (inclusive).
    public var from: RFC3339.Timestamp
    /// First instant not covered (exclusive).
    public var until: RFC3339.Timestamp
    /// How `from` was chosen.
    public var origin: Origin

    /// Creates a window.
    public init(from: RFC3339.Timestamp, until: RFC3339.Timestamp, origin: Origin) {
        self.from = from
        self.until = until
        self.origin = origin
    }

    /// Computes a run's window.
    ///
    /// `until` is the explicit `until`, else `now − policy.settleDelay` (younger changes are left
    /// for the next run). `from` is the explicit `since`, else for `full` `now − fullLookback`,
    /// else `checkpoint − policy.overlap`, else (first run) `now − policy.initialLookback`.
    /// Durations are seconds. Throws when `from` is not before `until`.
    public static func compute(
        checkpoint: RFC3339.Timestamp?, now: RFC3339.Timestamp, policy: Configuration.Policy,
        since: RFC3339.Timestamp?, until: RFC3339.Timestamp?, full: Bool, fullLookback: Int64
    ) throws(RunWindowError) -> RunWindow {
        let end = until ?? shift(now, bySeconds: -policy.settleDelay)
        let window: RunWindow
        if let since {
            window = RunWindow(from: since, until: end, origin: .explicit)
        } else if full {
            window = RunWindow(from: shift(now, bySeconds: -fullLookback), until: end, origin: .full)
        } else if let checkpoint {
            window = RunWindow(from: shift(checkpoint, bySeconds: -policy.overlap), until: end, origin: .checkpoint)
        } else {
            window = RunWindow(
                from: shift(now, bySeconds: -policy.initialLookback), until: end, origin: .initialLookback)
        }
        guard window.from < window.until else {
            throw RunWindowError(
                from: window.from, until: window.until, origin: window.origin, untilIsExplicit: until != nil)
        }
        return window
    }

    /// `instant` moved by whole seconds, pinned to the representable range.
    private static func shift(_ instant: RFC3339.Timestamp, bySeconds seconds: Int64) -> RFC3339.Timestamp {
        let (moved, overflow) = instant.secondsSinceEpoch.addingReportingOverflow(seconds)
        let pinned = overflow ? (seconds > 0 ? Int64.max : Int64.min) : moved
        return RFC3339.Timestamp(secondsSinceEpoch: pinned, nanoseconds: Int64(instant.nanoseconds))
    }
}
