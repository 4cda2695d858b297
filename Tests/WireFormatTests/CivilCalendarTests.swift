import Testing
import WireFormat

/// The shared calendar arithmetic: day counts, month lengths and floor division.
@Suite struct CivilCalendarTests {
    @Test(arguments: [
        (1970, 1, 1, 0), (1969, 12, 31, -1), (2000, 2, 29, 11_016), (2000, 3, 1, 11_017),
        (2026, 11, 24, 20_781), (1600, 1, 1, -135_140), (2400, 12, 31, 157_419),
    ])
    func daysSinceEpoch(year: Int, month: Int, day: Int, days: Int) {
        #expect(CivilCalendar.daysSinceEpoch(year: year, month: month, day: day) == days)
        let date = CivilCalendar.date(daysSinceEpoch: days)
        #expect(date.year == year && date.month == month && date.day == day)
    }

    @Test(arguments: [
        (2024, 2, 29), (2023, 2, 28), (2000, 2, 29), (1900, 2, 28), (2026, 4, 30), (2026, 12, 31),
    ])
    func monthLengths(year: Int, month: Int, days: Int) {
        #expect(CivilCalendar.daysInMonth(year: year, month: month) == days)
    }

    @Test func everyDayOfFourHundredYearsRoundTrips() {
        var expected = CivilCalendar.date(daysSinceEpoch: -146_097)
        for days in -146_097..<146_097 {
            let date = CivilCalendar.date(daysSinceEpoch: days)
            #expect(date == expected)
            #expect(CivilCalendar.daysSinceEpoch(year: date.year, month: date.month, day: date.day) == days)
            expected.day += 1
            if expected.day > CivilCalendar.daysInMonth(year: expected.year, month: expected.month) {
                expected.day = 1
                expected.month += 1
                if expected.month > 12 { (expected.year, expected.month) = (expected.year + 1, 1) }
            }
        }
    }

    @Test(arguments: [(Int64(7), Int64(3), Int64(2), Int64(1)), (-1, 86_400, -1, 86_399), (-86_400, 86_400, -1, 0)])
    func floorDivides(value: Int64, divisor: Int64, quotient: Int64, remainder: Int64) {
        let result = CivilCalendar.floorDivide(value, divisor)
        #expect(result.quotient == quotient && result.remainder == remainder)
    }

    @Test(arguments: [
        ("2026-09-07T07:13:26Z", 0), ("2026-09-07T07:12:38.366Z", 3), ("2026-09-07T07:12:38.366979Z", 6),
        ("2026-09-07T07:12:38.366979621Z", 9), ("1999-12-31T23:59:59.5Z", 1),
    ])
    func countsFractionDigits(text: String, digits: Int) throws {
        #expect(try RFC3339.parseCountingDigits(text).fractionDigits == digits)
    }

    @Test(arguments: [
        ("2026-11-24", true), ("2024-02-29", true), ("2023-02-29", false), ("2026-1-24", false), ("20261124", false),
    ])
    func fullDates(text: String, valid: Bool) {
        #expect((RFC3339.fullDate(text) != nil) == valid)
    }
}
