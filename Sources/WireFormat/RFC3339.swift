import Foundation

/// RFC 3339 timestamps with nanosecond precision: a pure parser and formatter.
///
/// PortOne sends timestamps the way Java's `Instant.toString()` does, with 0 to 9 fractional
/// digits (`2026-09-07T07:12:38.366979621Z` next to `2026-09-07T07:13:26Z`), and the RFC allows
/// numeric offsets (`+09:00`). `Date` is a `Double` and cannot hold nanoseconds exactly, and a
/// scan that pages on `statusChangedAt` must send back exactly the instant it received, so the
/// parsed value is an exact ``RFC3339/Timestamp`` (seconds + nanoseconds since the Unix epoch).
public enum RFC3339 {
    /// An exact instant: whole seconds since 1970-01-01T00:00:00Z plus nanoseconds.
    public struct Timestamp: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
        /// Whole seconds since the Unix epoch (negative before 1970).
        public let secondsSinceEpoch: Int64
        /// Nanoseconds within the second, `0..<1_000_000_000`.
        public let nanoseconds: Int32

        /// Creates an instant; `nanoseconds` is normalised into `0..<1_000_000_000`.
        public init(secondsSinceEpoch: Int64, nanoseconds: Int64 = 0) {
            let (carry, rest) = nanoseconds.quotientAndRemainder(dividingBy: 1_000_000_000)
            if rest < 0 {
                self.secondsSinceEpoch = secondsSinceEpoch + carry - 1
                self.nanoseconds = Int32(rest + 1_000_000_000)
            } else {
                self.secondsSinceEpoch = secondsSinceEpoch + carry
                self.nanoseconds = Int32(rest)
            }
        }

        /// The nearest instant to a Foundation `Date`, rounded to the microsecond (what a `Double`
        /// holds reliably for present-day dates).
        public init(_ date: Date) {
            let micros = (date.timeIntervalSince1970 * 1_000_000).rounded()
            let total = Int64(micros)
            let (seconds, rest) = total.quotientAndRemainder(dividingBy: 1_000_000)
            self.init(secondsSinceEpoch: seconds, nanoseconds: rest * 1000)
        }

        /// The instant as a Foundation `Date` (sub-microsecond precision may be lost).
        public var date: Date {
            Date(timeIntervalSince1970: Double(secondsSinceEpoch) + Double(nanoseconds) / 1e9)
        }

        /// This instant moved by a signed number of nanoseconds.
        public func adding(nanoseconds delta: Int64) -> Timestamp {
            Timestamp(secondsSinceEpoch: secondsSinceEpoch, nanoseconds: Int64(nanoseconds) + delta)
        }

        /// Nanoseconds from `self` to `other` (positive when `other` is later). Traps on overflow
        /// (spans beyond ±292 years).
        public func nanoseconds(to other: Timestamp) -> Int64 {
            (other.secondsSinceEpoch - secondsSinceEpoch) * 1_000_000_000
                + Int64(other.nanoseconds - nanoseconds)
        }

        /// Orders instants chronologically.
        public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
            (lhs.secondsSinceEpoch, lhs.nanoseconds) < (rhs.secondsSinceEpoch, rhs.nanoseconds)
        }

        /// The canonical UTC form, e.g. `2026-09-07T07:12:38.366979621Z`.
        public var description: String { RFC3339.format(self) }

        /// Decodes an RFC 3339 string.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            do {
                self = try RFC3339.parse(text)
            } catch {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
            }
        }

        /// Encodes the canonical UTC string (exact: it parses back to the same instant).
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(RFC3339.format(self))
        }
    }

    /// Why a text is not an RFC 3339 timestamp.
    public struct ParseError: Error, Sendable, Hashable, CustomStringConvertible {
        /// The offending text, cut to 64 characters.
        public let text: String
        /// What is wrong with it.
        public let reason: String

        /// A message naming the text and the problem.
        public var description: String {
            "'\(text)' is not an RFC 3339 timestamp (\(reason)); expected e.g. 2026-09-07T07:12:38.366Z or 2026-09-07T16:12:38+09:00"
        }
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.f{1,9}](Z|±HH:MM)`; `t`/`z` lower case and a space for `T`
    /// are accepted as RFC 3339 §5.6 allows. Leap seconds (`:60`) are refused: no PortOne
    /// timestamp carries one and an exact instant for them does not exist.
    public static func parse(_ text: some StringProtocol) throws(ParseError) -> Timestamp {
        var string = String(text)
        let result = string.withUTF8 { buffer in
            Result { () throws(ParseError) in try parse(utf8: buffer) }
        }
        return try result.get()
    }

    /// Parses a timestamp, returning nil instead of an error.
    public static func timestamp(_ text: some StringProtocol) -> Timestamp? {
        try? parse(text)
    }

    /// Parses a timestamp from UTF-8 bytes (the hot path of JSON decoding).
    public static func parse(utf8 bytes: UnsafeBufferPointer<UInt8>) throws(ParseError) -> Timestamp {
        try parseCountingDigits(utf8: bytes).timestamp
    }

    /// Parses a timestamp and also says how many fractional digits it was written with (0...9),
    /// for a writer that must give an instant back in the precision it received.
    public static func parseCountingDigits(
        _ text: some StringProtocol
    ) throws(ParseError) -> (timestamp: Timestamp, fractionDigits: Int) {
        var string = String(text)
        let result = string.withUTF8 { buffer in
            Result { () throws(ParseError) in try parseCountingDigits(utf8: buffer) }
        }
        return try result.get()
    }

    /// The `YYYY-MM-DD` of RFC 3339's `full-date` as a valid calendar date, or nil.
    public static func fullDate(_ text: some StringProtocol) -> (year: Int, month: Int, day: Int)? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            parts.allSatisfy({ $0.utf8.allSatisfy { $0 >= 48 && $0 <= 57 } }),
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
            (1...12).contains(month), day >= 1, day <= CivilCalendar.daysInMonth(year: year, month: month)
        else { return nil }
        return (year, month, day)
    }

    private static func parseCountingDigits(
        utf8 bytes: UnsafeBufferPointer<UInt8>
    ) throws(ParseError) -> (timestamp: Timestamp, fractionDigits: Int) {
        func fail(_ reason: String) -> ParseError {
            ParseError(text: String(decoding: bytes.prefix(64), as: UTF8.self), reason: reason)
        }
        var index = 0
        let count = bytes.count
        func digits(_ n: Int, _ what: String) throws(ParseError) -> Int {
            guard index + n <= count else { throw fail("\(what) is cut short") }
            var value = 0
            for offset in 0..<n {
                let byte = bytes[index + offset]
                guard byte >= 0x30, byte <= 0x39 else { throw fail("\(what) must be \(n) digits") }
                value = value * 10 + Int(byte - 0x30)
            }
            index += n
            return value
        }
        func expect(_ allowed: [UInt8], _ what: String) throws(ParseError) {
            guard index < count, allowed.contains(bytes[index]) else { throw fail("expected \(what)") }
            index += 1
        }
        let year = try digits(4, "the year")
        try expect([0x2D], "'-' after the year")
        let month = try digits(2, "the month")
        try expect([0x2D], "'-' after the month")
        let day = try digits(2, "the day")
        try expect([0x54, 0x74, 0x20], "'T' between date and time")
        let hour = try digits(2, "the hour")
        try expect([0x3A], "':' after the hour")
        let minute = try digits(2, "the minute")
        try expect([0x3A], "':' after the minute")
        let second = try digits(2, "the second")
        var nanos = 0
        var fractionDigits = 0
        if index < count, bytes[index] == 0x2E {
            index += 1
            while index < count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
                fractionDigits += 1
                guard fractionDigits <= 9 else { throw fail("more than 9 fractional digits") }
                nanos = nanos * 10 + Int(bytes[index] - 0x30)
                index += 1
            }
            guard fractionDigits > 0 else { throw fail("'.' without fractional digits") }
            for _ in fractionDigits..<9 { nanos *= 10 }
        }
        guard index < count else { throw fail("the time zone offset (Z or ±hh:mm) is missing") }
        var offsetSeconds = 0
        switch bytes[index] {
        case 0x5A, 0x7A:
            index += 1
        case 0x2B, 0x2D:
            let sign = bytes[index] == 0x2D ? -1 : 1
            index += 1
            let offsetHour = try digits(2, "the offset hour")
            try expect([0x3A], "':' in the offset")
            let offsetMinute = try digits(2, "the offset minute")
            guard offsetHour <= 23, offsetMinute <= 59 else { throw fail("offset out of range") }
            offsetSeconds = sign * (offsetHour * 3600 + offsetMinute * 60)
        default:
            throw fail("expected Z or ±hh:mm after the time")
        }
        guard index == count else { throw fail("unexpected text after the offset") }
        guard (1...12).contains(month) else { throw fail("month out of range") }
        guard day >= 1, day <= CivilCalendar.daysInMonth(year: year, month: month) else {
            throw fail("day out of range")
        }
        guard hour <= 23 else { throw fail("hour out of range") }
        guard minute <= 59 else { throw fail("minute out of range") }
        guard second <= 59 else { throw fail(second == 60 ? "leap seconds are not supported" : "second out of range") }
        let days = CivilCalendar.daysSinceEpoch(year: year, month: month, day: day)
        let local = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
        return (Timestamp(secondsSinceEpoch: local - Int64(offsetSeconds), nanoseconds: Int64(nanos)), fractionDigits)
    }

    /// How many fractional digits ``format(_:fraction:)`` writes.
    public enum Fraction: Sendable, Hashable {
        /// None, 3, 6 or 9 digits: the fewest that keep the instant exact (Java `Instant` style).
        case shortestExact
        /// Always exactly 3 digits (milliseconds, truncated).
        case milliseconds
        /// Always exactly 9 digits.
        case nanoseconds
    }

    /// Formats an instant in UTC with a `Z`, e.g. `2026-09-07T07:12:38.366Z`.
    ///
    /// With the default ``Fraction/shortestExact`` the result parses back to the same instant.
    public static func format(_ timestamp: Timestamp, fraction: Fraction = .shortestExact) -> String {
        let (days, secondOfDay) = CivilCalendar.floorDivide(timestamp.secondsSinceEpoch, 86_400)
        let (year, month, day) = CivilCalendar.date(daysSinceEpoch: Int(days))
        var text = pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + "T"
        text += pad(Int(secondOfDay / 3600), 2) + ":" + pad(Int(secondOfDay % 3600 / 60), 2) + ":"
        text += pad(Int(secondOfDay % 60), 2)
        let nanos = Int(timestamp.nanoseconds)
        switch fraction {
        case .milliseconds:
            text += "." + pad(nanos / 1_000_000, 3)
        case .nanoseconds:
            text += "." + pad(nanos, 9)
        case .shortestExact:
            if nanos == 0 {
            } else if nanos % 1_000_000 == 0 {
                text += "." + pad(nanos / 1_000_000, 3)
            } else if nanos % 1000 == 0 {
                text += "." + pad(nanos / 1000, 6)
            } else {
                text += "." + pad(nanos, 9)
            }
        }
        return text + "Z"
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
