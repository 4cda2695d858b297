import ReconcilerCore
import WireFormat

/// UTC RFC 3339 text for whole seconds, for the metrics.
enum ReportTimeFormat {
    /// `2026-11-26T02:31:07Z`.
    static func utc(seconds: Int64) -> String {
        RFC3339.format(RFC3339.Timestamp(secondsSinceEpoch: seconds), fraction: .shortestExact)
    }
}
