import Foundation
import Testing
import WireFormat

@Suite struct RFC3339Tests {
    static let valid: [(String, Int64, Int32)] = [
        ("1970-01-01T00:00:00Z", 0, 0),
        ("2026-09-07T07:13:26Z", 1_788_765_206, 0),
        ("2026-09-07T07:12:38.366979621Z", 1_788_765_158, 366_979_621),
        ("2026-09-07T07:12:38.3Z", 1_788_765_158, 300_000_000),
        ("2026-09-07T07:12:38.36Z", 1_788_765_158, 360_000_000),
        ("2026-09-07T07:12:38.366Z", 1_788_765_158, 366_000_000),
        ("2026-09-07T07:12:38.3669Z", 1_788_765_158, 366_900_000),
        ("2026-09-07T07:12:38.36697Z", 1_788_765_158, 366_970_000),
        ("2026-09-07T07:12:38.366979Z", 1_788_765_158, 366_979_000),
        ("2026-09-07T07:12:38.3669796Z", 1_788_765_158, 366_979_600),
        ("2026-09-07T07:12:38.36697962Z", 1_788_765_158, 366_979_620),
        ("2026-09-07T16:12:38.366+09:00", 1_788_765_158, 366_000_000),
        ("2026-09-07T02:42:38-04:30", 1_788_765_158, 0),
        ("2026-09-07T07:12:38+00:00", 1_788_765_158, 0),
        ("2026-09-07T07:12:38-00:00", 1_788_765_158, 0),
        ("2026-09-07t07:12:38z", 1_788_765_158, 0),
        ("2026-09-07 07:12:38Z", 1_788_765_158, 0),
        ("2024-02-29T00:00:00Z", 1_709_164_800, 0),
        ("2000-02-29T23:59:59.999999999Z", 951_868_799, 999_999_999),
        ("1969-12-31T23:59:59.5Z", -1, 500_000_000),
        ("1900-01-01T00:00:00Z", -2_208_988_800, 0),
        ("9999-12-31T23:59:59Z", 253_402_300_799, 0),
        ("2026-01-01T00:00:00+14:00", 1_767_175_200, 0),
    ]

    @Test(arguments: valid)
    func parsesValidTimestamps(text: String, seconds: Int64, nanos: Int32) throws {
        let timestamp = try RFC3339.parse(text)
        #expect(timestamp.secondsSinceEpoch == seconds)
        #expect(timestamp.nanoseconds == nanos)
    }

    static let invalid: [(String, String)] = [
        ("", "year"),
        ("2026-09-07", "'T'"),
        ("2026-09-07T07:12:38", "offset"),
        ("2026-09-07T07:12:38.Z", "fractional"),
        ("2026-09-07T07:12:38.1234567890Z", "more than 9"),
        ("2026-09-07T07:12Z", "':' after the minute"),
        ("2026-13-07T07:12:38Z", "month out of range"),
        ("2026-00-07T07:12:38Z", "month out of range"),
        ("2026-02-29T07:12:38Z", "day out of range"),
        ("2100-02-29T07:12:38Z", "day out of range"),
        ("2026-04-31T07:12:38Z", "day out of range"),
        ("2026-09-00T07:12:38Z", "day out of range"),
        ("2026-09-07T24:00:00Z", "hour out of range"),
        ("2026-09-07T23:60:00Z", "minute out of range"),
        ("2026-12-31T23:59:60Z", "leap seconds"),
        ("2026-09-07T07:12:38+0900", "':'"),
        ("2026-09-07T07:12:38+09", "':' in the offset"),
        ("2026-09-07T07:12:38+09:0", "cut short"),
        ("2026-09-07T07:12:38+24:00", "offset out of range"),
        ("2026-09-07T07:12:38Z ", "after the offset"),
        ("2026-09-07T07:12:38UTC", "Z or"),
        ("26-09-07T07:12:38Z", "digits"),
        ("2026-9-07T07:12:38Z", "digits"),
        ("2026/09/07T07:12:38Z", "'-'"),
        ("２０２６-09-07T07:12:38Z", "digits"),
    ]

    @Test(arguments: invalid)
    func rejectsInvalidTimestampsWithAReason(text: String, reasonFragment: String) {
        #expect {
            try RFC3339.parse(text)
        } throws: { error in
            guard let error = error as? RFC3339.ParseError else { return false }
            return error.description.contains(reasonFragment) && error.description.contains("RFC 3339")
        }
    }

    static let formats: [(Int64, Int32, String)] = [
        (0, 0, "1970-01-01T00:00:00Z"),
        (1_788_765_158, 366_000_000, "2026-09-07T07:12:38.366Z"),
        (1_788_765_158, 366_979_000, "2026-09-07T07:12:38.366979Z"),
        (1_788_765_158, 366_979_621, "2026-09-07T07:12:38.366979621Z"),
        (1_788_765_158, 1, "2026-09-07T07:12:38.000000001Z"),
        (-1, 500_000_000, "1969-12-31T23:59:59.500Z"),
        (951_868_799, 0, "2000-02-29T23:59:59Z"),
        (253_402_300_799, 0, "9999-12-31T23:59:59Z"),
    ]

    @Test(arguments: formats)
    func formatsShortestExactUTC(seconds: Int64, nanos: Int32, expected: String) throws {
        let timestamp = RFC3339.Timestamp(secondsSinceEpoch: seconds, nanoseconds: Int64(nanos))
        #expect(RFC3339.format(timestamp) == expected)
        #expect(try RFC3339.parse(expected) == timestamp)
    }

    @Test func fixedFractionFormats() {
        let timestamp = RFC3339.Timestamp(secondsSinceEpoch: 1_788_765_158, nanoseconds: 366_979_621)
        #expect(RFC3339.format(timestamp, fraction: .milliseconds) == "2026-09-07T07:12:38.366Z")
        #expect(RFC3339.format(timestamp, fraction: .nanoseconds) == "2026-09-07T07:12:38.366979621Z")
    }

    @Test func roundTripsEveryDayOfFourHundredYears() throws {
        // One instant per day across a full Gregorian cycle, with varying nanoseconds: the
        // civil-date conversions must agree in both directions.
        let start: Int64 = RFC3339.Timestamp(secondsSinceEpoch: 946_684_800).secondsSinceEpoch  // 2000-01-01
        for day in stride(from: Int64(-146_097), to: 146_097, by: 1) {
            let seconds = start + day * 86_400 + (day * 7919) % 86_400
            let timestamp = RFC3339.Timestamp(secondsSinceEpoch: seconds, nanoseconds: (day * 104_729) % 1_000_000_000)
            let text = RFC3339.format(timestamp)
            #expect(try RFC3339.parse(text) == timestamp)
        }
    }

    @Test func agreesWithFoundationOnDates() throws {
        let formatter = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        for seconds in stride(from: Int64(0), to: 4_000_000_000, by: 7_777_777) {
            let timestamp = RFC3339.Timestamp(secondsSinceEpoch: seconds, nanoseconds: 123_000_000)
            let foundation = try formatter.parse(RFC3339.format(timestamp))
            #expect(abs(foundation.timeIntervalSince(timestamp.date)) < 0.000_001)
            #expect(RFC3339.Timestamp(foundation) == timestamp)
        }
    }

    @Test(arguments: [
        (Int64(10), Int64(-1), Int64(9), Int32(999_999_999)),
        (10, 1_500_000_000, 11, 500_000_000),
        (10, -1_500_000_000, 8, 500_000_000),
        (0, 0, 0, 0),
    ])
    func normalisesNanoseconds(seconds: Int64, nanos: Int64, expectedSeconds: Int64, expectedNanos: Int32) {
        let timestamp = RFC3339.Timestamp(secondsSinceEpoch: seconds, nanoseconds: nanos)
        #expect(timestamp.secondsSinceEpoch == expectedSeconds)
        #expect(timestamp.nanoseconds == expectedNanos)
    }

    @Test func ordersAndMeasuresExactly() throws {
        let a = try RFC3339.parse("2026-09-07T07:12:38.366979621Z")
        let b = try RFC3339.parse("2026-09-07T16:12:38.366979622+09:00")
        #expect(a < b)
        #expect(a.nanoseconds(to: b) == 1)
        #expect(a.adding(nanoseconds: 1) == b)
        #expect(b.adding(nanoseconds: -1_000_000_000).nanoseconds(to: a) == 999_999_999)
    }
}
