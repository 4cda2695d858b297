import Foundation
import ReconcilerCore
import WireFormat

/// Parses the `Retry-After` header: delay-seconds or an HTTP-date (RFC 9110 §10.2.3).
public enum RetryAfter {
    /// The wait the header asks for, relative to `now`; nil when absent or unreadable. A date in
    /// the past means no wait (zero).
    public static func parse(_ value: String?, now: RFC3339.Timestamp) -> Duration? {
        guard let value else { return nil }
        let text = value.trimmingCharacters(in: .whitespaces)
        if !text.isEmpty, text.allSatisfy({ $0.isASCII && $0.isNumber }) {
            guard let seconds = Int64(text.prefix(12)) else { return nil }
            return .seconds(seconds)
        }
        guard let date = httpDate(text) else { return nil }
        let nanos = now.nanoseconds(to: date)
        return nanos <= 0 ? .zero : .nanoseconds(nanos)
    }

    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), RFC 850 (`Sunday, 06-Nov-94 08:49:37 GMT`)
    /// and asctime (`Sun Nov  6 08:49:37 1994`).
    static func httpDate(_ text: String) -> RFC3339.Timestamp? {
        let parts = text.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
        var day: Int?
        var month: Int?
        var year: Int?
        var time: String?
        if parts.count == 4, parts[3] == "GMT", parts[1].contains("-") {  // RFC 850: weekday, dd-Mon-yy hh:mm:ss GMT
            let pieces = parts[1].split(separator: "-").map(String.init)
            guard pieces.count == 3, let yy = Int(pieces[2]) else { return nil }
            day = Int(pieces[0])
            month = months.firstIndex(of: pieces[1]).map { $0 + 1 }
            year = yy < 100 ? (yy < 70 ? 2000 + yy : 1900 + yy) : yy
            time = parts[2]
        } else if parts.count == 6, parts[5] == "GMT" {  // IMF-fixdate
            day = Int(parts[1])
            month = months.firstIndex(of: parts[2]).map { $0 + 1 }
            year = Int(parts[3])
            time = parts[4]
        } else if parts.count == 5 {  // asctime
            month = months.firstIndex(of: parts[1]).map { $0 + 1 }
            day = Int(parts[2])
            time = parts[3]
            year = Int(parts[4])
        }
        guard let day, let month, let year, let time, year >= 1000, year <= 9999, day >= 1, day <= 31 else {
            return nil
        }
        let pad = { (value: Int, width: Int) -> String in
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return RFC3339.timestamp("\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(time)Z")
    }
}
