import Foundation
import WireFormat

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
        let (year, month, day) = CivilCalendar.date(daysSinceEpoch: Int(days))
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
        put(Int64(year), 4)
        bytes.append(45)
        put(Int64(month), 2)
        bytes.append(45)
        put(Int64(day), 2)
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

    /// Parses RFC 3339 (`Z` or `±hh:mm`, 0–9 fractional digits) with WireFormat's parser; nil
    /// when malformed.
    public static func parse(_ text: String) -> Timestamp? {
        guard let (instant, digits) = try? RFC3339.parseCountingDigits(text) else { return nil }
        return Timestamp(
            nanoseconds: instant.secondsSinceEpoch * 1_000_000_000 + Int64(instant.nanoseconds),
            fractionDigits: digits)
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

    /// Integer division rounding toward negative infinity (`b` positive).
    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        CivilCalendar.floorDivide(a, b).quotient
    }
}
