import Testing

@testable import PortOneSimulator

@Suite struct TimestampTests {
    @Test(arguments: [
        ("2026-09-07T07:13:26Z", 0),
        ("2026-09-07T07:12:38.366Z", 3),
        ("2026-09-07T07:12:38.366979Z", 6),
        ("2026-09-07T07:12:38.366979621Z", 9),
        ("1999-12-31T23:59:59.5Z", 1),
    ])
    func roundTripsEveryPrecision(text: String, digits: Int) throws {
        let parsed = try #require(Timestamp.parse(text))
        #expect(parsed.fractionDigits == digits)
        #expect(parsed.description == text)
    }

    @Test func numericOffsetsAreNormalizedToUTC() throws {
        let kst = try #require(Timestamp.parse("2026-11-24T09:00:00+09:00"))
        let utc = try #require(Timestamp.parse("2026-11-24T00:00:00Z"))
        #expect(kst == utc)
        #expect(kst.description == "2026-11-24T00:00:00Z")
    }

    @Test(arguments: [
        "", "2026-11-24", "2026-11-24T00:00:00", "2026-13-01T00:00:00Z", "2026-11-24T00:00:00.Z",
        "2026-11-24T00:00:00.1234567890Z", "2026-11-24T00:00:00+0900", "2026-11-24T00:00:00Zjunk",
    ])
    func rejectsMalformedText(text: String) {
        #expect(Timestamp.parse(text) == nil)
    }

    @Test func truncatesToItsPrecision() {
        let t = Timestamp(nanoseconds: 1_700_000_000_123_456_789, fractionDigits: 3)
        #expect(t.nanoseconds == 1_700_000_000_123_000_000)
        #expect(Timestamp(nanoseconds: -1, fractionDigits: 0).nanoseconds == -1_000_000_000)
    }
}
