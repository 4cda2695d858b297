import Foundation

/// An RFC 3339 instant in UTC that remembers how many fractional digits it is written with.
///
/// PortOne writes timestamps with 0, 3, 6 or 9 fractional digits (Java `Instant.toString()`
/// style). The simulator keeps the instant truncated to its precision, so the value a client
/// parses is exactly the value the server sorts and filters on.
public struct Timestamp: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// Nanoseconds since 1970-01-01T00:00:00Z.
    public var nanoseconds: Int64
    /// Number of fractional digits written (0...9).
    public var fractionDigits: Int

    /// Creates a timestamp, truncating `nanoseconds` to `fractionDigits` digits.
    public init(nanoseconds: Int64, fractionDigits: Int = 9) {
        let digits = max(0, min(9, fractionDigits))
        let unit = Timestamp.unit(digits)
        self.nanoseconds = Timestamp.floorDiv(nanoseconds, unit) * unit
        self.fractionDigits = digits
    }

    /// Creates a timestamp from a Foundation date (nanosecond precision, truncated).
    public init(date: Date, fractionDigits: Int = 9) {
        let seconds = date.timeIntervalSince1970.rounded(.down)
        let nanos =
            Int64(seconds) * 1_000_000_000
            + Int64(((date.timeIntervalSince1970 - seconds) * 1e9).rounded(.down))
        self.init(nanoseconds: nanos, fractionDigits: fractionDigits)
    }

    /// The instant as a Foundation date.
    public var date: Date { Date(timeIntervalSince1970: Double(nanoseconds) / 1e9) }

    /// The current time.
    public static func now(fractionDigits: Int = 9) -> Timestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Timestamp(
            nanoseconds: Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec),
            fractionDigits: fractionDigits)
    }

    /// Orders by instant.
    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.nanoseconds < rhs.nanoseconds }

    /// The RFC 3339 text, e.g. `2026-09-07T07:12:38.366979621Z`.
    public var description: String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(30)
        write(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the RFC 3339 text to `bytes`.
    public func write(to bytes: inout [UInt8]) {
        let seconds = Timestamp.floorDiv(nanoseconds, 1_000_000_000)
        let fraction = nanoseconds - seconds * 1_000_000_000
        let days = Timestamp.floorDiv(seconds, 86_400)
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = Timestamp.civil(fromDays: days)
        func put(_ value: Int64, _ width: Int) {
            var divisor: Int64 = 1
            for _ in 1..<width { divisor *= 10 }
            var v = value
            while divisor > 0 {
                bytes.append(UInt8(48 + (v / divisor) % 10))
                v %= divisor
                divisor /= 10
            }
        }
        put(year, 4)
        bytes.append(45)
        put(month, 2)
        bytes.append(45)
        put(day, 2)
        bytes.append(84)
        put(secondOfDay / 3600, 2)
        bytes.append(58)
        put((secondOfDay / 60) % 60, 2)
        bytes.append(58)
        put(secondOfDay % 60, 2)
        if fractionDigits > 0 {
            bytes.append(46)
            put(fraction / Timestamp.unit(fractionDigits), fractionDigits)
        }
        bytes.append(90)
    }

    /// Parses RFC 3339 (`Z` or `±hh:mm`, 0–9 fractional digits); nil when malformed.
    public static func parse(_ text: String) -> Timestamp? {
        let b = Array(text.utf8)
        func num(_ start: Int, _ count: Int) -> Int64? {
            guard start + count <= b.count else { return nil }
            var v: Int64 = 0
            for i in start..<(start + count) {
                guard b[i] >= 48 && b[i] <= 57 else { return nil }
                v = v * 10 + Int64(b[i] - 48)
            }
            return v
        }
        guard b.count >= 20, let year = num(0, 4), b[4] == 45, let month = num(5, 2), b[7] == 45,
            let day = num(8, 2), b[10] == 84 || b[10] == 116 || b[10] == 32, let hour = num(11, 2),
            b[13] == 58, let minute = num(14, 2), b[16] == 58, let second = num(17, 2)
        else { return nil }
        guard (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var index = 19
        var fraction: Int64 = 0
        var digits = 0
        if index < b.count, b[index] == 46 {
            index += 1
            while index < b.count, b[index] >= 48, b[index] <= 57 {
                if digits < 9 {
                    fraction = fraction * 10 + Int64(b[index] - 48)
                    digits += 1
                } else {
                    return nil
                }
                index += 1
            }
            if digits == 0 { return nil }
        }
        var offsetSeconds: Int64 = 0
        guard index < b.count else { return nil }
        if b[index] == 90 || b[index] == 122 {
            index += 1
        } else if b[index] == 43 || b[index] == 45 {
            guard let oh = num(index + 1, 2), index + 3 < b.count, b[index + 3] == 58,
                let om = num(index + 4, 2), oh < 24, om < 60
            else { return nil }
            offsetSeconds = (oh * 3600 + om * 60) * (b[index] == 43 ? 1 : -1)
            index += 6
        } else {
            return nil
        }
        guard index == b.count else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
        var scaled = fraction
        for _ in digits..<9 { scaled *= 10 }
        return Timestamp(nanoseconds: seconds * 1_000_000_000 + scaled, fractionDigits: digits)
    }

    /// Decodes from JSON (see the type's documentation for the rules).
    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let parsed = Timestamp.parse(text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "not an RFC 3339 date-time: \(text)")
        }
        self = parsed
    }

    /// Encodes as the RFC 3339 text.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    /// Returns this instant moved by `nanoseconds`, written with `fractionDigits` digits.
    public func adding(nanoseconds delta: Int64, fractionDigits: Int? = nil) -> Timestamp {
        Timestamp(nanoseconds: nanoseconds + delta, fractionDigits: fractionDigits ?? self.fractionDigits)
    }

    /// Nanoseconds per unit of the last of `digits` fractional digits.
    static func unit(_ digits: Int) -> Int64 {
        var u: Int64 = 1
        for _ in 0..<(9 - digits) { u *= 10 }
        return u
    }

    /// Integer division rounding toward negative infinity.
    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    // Howard Hinnant's civil-from-days algorithms.
    /// (year, month, day) of a day count since 1970-01-01.
    static func civil(fromDays z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719_468
        let era = floorDiv(z, 146_097)
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }

    /// Days since 1970-01-01 of a civil date.
    static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = floorDiv(y, 400)
        let yoe = y - era * 400
        let mp = month > 2 ? month - 3 : month + 9
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
