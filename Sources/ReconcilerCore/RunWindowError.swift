import WireFormat

/// A run window that covers nothing: its start is not before its end. The message says which
/// setting produced each bound and what to change; the command exits 64 for explicit bounds.
public struct RunWindowError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The computed start.
    public var from: RFC3339.Timestamp
    /// The computed end.
    public var until: RFC3339.Timestamp
    /// Where the start came from.
    public var origin: RunWindow.Origin
    /// Whether the end was given with `--until` (else it is now minus `policy.settleDelay`).
    public var untilIsExplicit: Bool

    /// Creates the error.
    public init(from: RFC3339.Timestamp, until: RFC3339.Timestamp, origin: RunWindow.Origin, untilIsExplicit: Bool) {
        self.from = from
        self.until = until
        self.origin = origin
        self.untilIsExplicit = untilIsExplicit
    }

    /// What was wrong and what to do.
    public var description: String {
        let start: String
        switch origin {
        case .explicit: start = "--since \(from)"
        case .checkpoint: start = "the last checkpoint minus policy.overlap (\(from))"
        case .initialLookback: start = "now minus policy.initialLookback (\(from))"
        case .full: start = "now minus the full sweep's lookback (\(from))"
        }
        let end = untilIsExplicit ? "--until \(until)" : "now minus policy.settleDelay (\(until))"
        let advice: String
        switch (origin, untilIsExplicit) {
        case (.explicit, true): advice = "give a --since earlier than --until"
        case (.explicit, false): advice = "give an earlier --since, or wait until the settle delay has passed"
        case (_, true): advice = "give a later --until, or an explicit --since before it"
        case (.checkpoint, false):
            advice =
                "the checkpoint lies in the future (was the clock set back?); check the system clock or run with explicit --since and --until"
        case (_, false): advice = "check the system clock and the policy durations"
        }
        return "the run window is empty: \(start) is not before \(end); \(advice)"
    }
}
