import ReconcilerCore
import WireFormat

/// Times as the reports show them: Korea Standard Time (UTC+9, no daylight saving), read from
/// the document's UTC RFC 3339 strings so every rendering of a stored report is the same.
public enum ReportTime {
    /// KST is UTC+9 all year.
    static let kstOffset: Int64 = 9 * 3600

    /// `2026-10-05 14:03:22` (KST) for an RFC 3339 string; empty for null or unreadable input.
    public static func kst(_ value: JSONValue) -> String {
        guard let text = value.stringValue, let timestamp = RFC3339.timestamp(text) else { return "" }
        return kst(timestamp)
    }

    /// `2026-10-05 14:03:22` (KST).
    public static func kst(_ timestamp: RFC3339.Timestamp) -> String {
        let shifted = RFC3339.Timestamp(secondsSinceEpoch: timestamp.secondsSinceEpoch + kstOffset)
        let text = RFC3339.format(shifted, fraction: .shortestExact)
        // "YYYY-MM-DDTHH:MM:SSZ" → "YYYY-MM-DD HH:MM:SS"
        return String(text.prefix(19)).replacingOccurrences(of: "T", with: " ")
    }

    /// The KST calendar date `YYYY-MM-DD` of an instant.
    public static func kstDate(_ timestamp: RFC3339.Timestamp) -> String {
        String(kst(timestamp).prefix(10))
    }
}
