import Foundation

/// Recognises the two time spellings the command line accepts.
enum RFC3339Shape {
    /// `YYYY-MM-DD` as a valid calendar date, else nil.
    static func plainDate(_ text: String) -> (year: Int, month: Int, day: Int)? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            parts.allSatisfy({ $0.utf8.allSatisfy { $0 >= 48 && $0 <= 57 } }),
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
            (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year)
        else { return nil }
        return (year, month, day)
    }

    /// Nanoseconds since the epoch of an RFC 3339 instant, or nil when `text` is not one.
    static func epochNanoseconds(_ text: String) -> Int64? {
        let withFraction = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        let plain = Date.ISO8601FormatStyle()
        let utf8 = Array(text.utf8)
        guard utf8.count >= 20, utf8[10] == UInt8(ascii: "T") || utf8[10] == UInt8(ascii: "t"),
            plainDate(String(decoding: utf8[0..<10], as: UTF8.self)) != nil,
            let hour = Int(String(decoding: utf8[11..<13], as: UTF8.self)), hour < 24,
            let minute = Int(String(decoding: utf8[14..<16], as: UTF8.self)), minute < 60,
            let second = Int(String(decoding: utf8[17..<19], as: UTF8.self)), second < 60,
            let date = (try? withFraction.parse(text)) ?? (try? plain.parse(text))
        else { return nil }
        return Int64((date.timeIntervalSince1970 * 1_000_000).rounded()) * 1000
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
