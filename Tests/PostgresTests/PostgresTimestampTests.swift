import Foundation
import Postgres
import Testing

/// The hand-written timestamp reader against the text forms PostgreSQL prints.
@Suite("Timestamp text")
struct PostgresTimestampTests {
    @Test(
        "reads PostgreSQL's text forms",
        arguments: [
            ("1970-01-01 00:00:00", 0.0),
            ("2026-11-24 15:00:00.25", 1_795_532_400.25),
            ("2026-11-24 15:00:00.250+00", 1_795_532_400.25),
            ("2026-11-25 00:00:00+09", 1_795_532_400.0),
            ("2026-11-24 10:30:00-04:30", 1_795_532_400.0),
            ("2026-11-24T15:00:00Z", 1_795_532_400.0),
            ("2000-02-29", 951_782_400.0),
            ("1969-12-31 23:59:59.999", -0.001),
        ])
    func reads(text: String, epoch: Double) throws {
        let row = try Date.decode(postgresText: text, type: .timestamptz)
        #expect(abs(row.timeIntervalSince1970 - epoch) < 0.000_001)
    }

    @Test(
        "refuses what is not a finite timestamp",
        arguments: ["infinity", "-infinity", "2026-13-01", "yesterday", "2026-11-24 15:00"])
    func refuses(text: String) {
        #expect(throws: PostgresError.self) { try Date.decode(postgresText: text, type: .timestamp) }
    }

    @Test("writes UTC with microseconds")
    func writes() {
        #expect(Date(timeIntervalSince1970: 1_795_532_400.25).postgresText == "2026-11-24 15:00:00.250000+00")
        #expect(Date(timeIntervalSince1970: -0.001).postgresText == "1969-12-31 23:59:59.999000+00")
    }
}
