import Foundation
import WireFormat

/// PostgreSQL's timestamp text, hand-written over WireFormat's calendar arithmetic (no formatters:
/// exact, fast, locale-free).
enum PostgresTimestamp {
    /// `YYYY-MM-DD HH:MM:SS.ffffff+00` in UTC, rounded to the microsecond.
    static func format(_ date: Date) -> String {
        let micros = (date.timeIntervalSince1970 * 1_000_000).rounded()
        let total = Int64(micros)
        var days = total / 86_400_000_000
        var rest = total % 86_400_000_000
        if rest < 0 {
            rest += 86_400_000_000
            days -= 1
        }
        let (year, month, day) = CivilCalendar.date(daysSinceEpoch: Int(days))
        let seconds = rest / 1_000_000
        let fraction = rest % 1_000_000
        func pad(_ value: some BinaryInteger, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2)) \(pad(seconds / 3600, 2)):"
            + "\(pad(seconds / 60 % 60, 2)):\(pad(seconds % 60, 2)).\(pad(fraction, 6))+00"
    }

    /// Reads `YYYY-MM-DD[ HH:MM:SS[.f...]][±HH[:MM[:SS]]]` (also with `T`); nil for anything else
    /// (`infinity`, BC dates).
    static func parse(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        var index = 0
        func number(_ width: Int) -> Int64? {
            guard index + width <= bytes.count else { return nil }
            var value: Int64 = 0
            for offset in 0..<width {
                let byte = bytes[index + offset]
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int64(byte - 48)
            }
            index += width
            return value
        }
        func expect(_ character: Character) -> Bool {
            guard index < bytes.count, bytes[index] == character.asciiValue! else { return false }
            index += 1
            return true
        }
        guard let year = number(4), expect("-"), let month = number(2), expect("-"), let day = number(2),
            (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        var micros: Int64 = 0
        if index < bytes.count, bytes[index] == 32 || bytes[index] == UInt8(ascii: "T") {
            index += 1
            guard let hour = number(2), expect(":"), let minute = number(2), expect(":"), let second = number(2)
            else { return nil }
            micros = ((hour * 60 + minute) * 60 + second) * 1_000_000
            if expect(".") {
                var scale: Int64 = 100_000
                var digits = 0
                while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
                    if digits < 6 { micros += Int64(bytes[index] - 48) * scale }
                    scale /= 10
                    digits += 1
                    index += 1
                }
                guard digits > 0 else { return nil }
            }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
            let sign: Int64 = bytes[index] == UInt8(ascii: "-") ? -1 : 1
            index += 1
            guard let hours = number(2) else { return nil }
            var offset = hours * 3600
            if expect(":") {
                guard let minutes = number(2) else { return nil }
                offset += minutes * 60
                if expect(":") {
                    guard let seconds = number(2) else { return nil }
                    offset += seconds
                }
            }
            micros -= sign * offset * 1_000_000
        } else if expect("Z") {
            // UTC.
        }
        guard index == bytes.count else { return nil }
        let days = Int64(CivilCalendar.daysSinceEpoch(year: Int(year), month: Int(month), day: Int(day)))
        let total = days * 86_400_000_000 + micros
        return Date(timeIntervalSince1970: Double(total / 1_000_000) + Double(total % 1_000_000) / 1_000_000)
    }
}
