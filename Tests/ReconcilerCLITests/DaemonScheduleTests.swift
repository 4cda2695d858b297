import Foundation
import ReconcilerCore
import Testing
import WireFormat

@testable import ReconcilerCLI

@Suite struct DaemonScheduleTests {
    static func schedule(_ at: String, _ zone: String) -> DaemonSchedule {
        var schedule = Configuration.Schedule()
        let parts = at.split(separator: ":").map { Int($0)! }
        schedule.hour = parts[0]
        schedule.minute = parts[1]
        schedule.timeZone = zone
        return DaemonSchedule(schedule: schedule)
    }

    static func instant(_ text: String) -> Date { RFC3339.timestamp(text)!.date }

    /// (daily time, zone, now, expected next run): DST days, month and year boundaries.
    static let daily: [(String, String, String, String)] = [
        // Asia/Seoul has no DST: 03:00 KST is 18:00 UTC the day before.
        ("03:00", "Asia/Seoul", "2026-11-26T10:00:00+09:00", "2026-11-27T03:00:00+09:00"),
        ("03:00", "Asia/Seoul", "2026-11-26T02:59:59+09:00", "2026-11-26T03:00:00+09:00"),
        ("03:00", "Asia/Seoul", "2026-11-26T03:00:00+09:00", "2026-11-27T03:00:00+09:00"),
        ("03:00", "Asia/Seoul", "2026-12-31T04:00:00+09:00", "2027-01-01T03:00:00+09:00"),
        ("03:00", "Asia/Seoul", "2028-02-28T12:00:00+09:00", "2028-02-29T03:00:00+09:00"),
        ("03:00", "Asia/Seoul", "2026-02-28T12:00:00+09:00", "2026-03-01T03:00:00+09:00"),
        ("00:00", "Asia/Seoul", "2026-11-30T23:59:00+09:00", "2026-12-01T00:00:00+09:00"),
        ("23:59", "Asia/Seoul", "2026-12-31T23:59:00+09:00", "2027-01-01T23:59:00+09:00"),
        // New York, spring forward on 2026-03-08 (02:00 EST → 03:00 EDT): 02:30 does not exist
        // that day and runs when the clock jumps; the day before and after keep their offsets.
        ("02:30", "America/New_York", "2026-03-07T12:00:00-05:00", "2026-03-08T03:00:00-04:00"),
        ("02:30", "America/New_York", "2026-03-08T03:00:00-04:00", "2026-03-09T02:30:00-04:00"),
        ("03:00", "America/New_York", "2026-03-07T03:00:00-05:00", "2026-03-08T03:00:00-04:00"),
        ("01:59", "America/New_York", "2026-03-07T12:00:00-05:00", "2026-03-08T01:59:00-05:00"),
        // Fall back on 2026-11-01 (02:00 EDT → 01:00 EST): 01:30 happens twice and runs once.
        ("01:30", "America/New_York", "2026-10-31T12:00:00-04:00", "2026-11-01T01:30:00-04:00"),
        ("01:30", "America/New_York", "2026-11-01T01:30:00-04:00", "2026-11-02T01:30:00-05:00"),
        ("01:30", "America/New_York", "2026-11-01T01:10:00-05:00", "2026-11-02T01:30:00-05:00"),
        ("03:00", "America/New_York", "2026-10-31T03:00:00-04:00", "2026-11-01T03:00:00-05:00"),
        // UTC and a half-hour zone.
        ("03:00", "UTC", "2026-12-31T03:00:00Z", "2027-01-01T03:00:00Z"),
        ("03:00", "Asia/Kolkata", "2026-06-30T21:00:00Z", "2026-07-01T03:00:00+05:30"),
    ]

    @Test(arguments: daily)
    func dailyRunTimes(at: String, zone: String, now: String, expected: String) {
        let next = Self.schedule(at, zone).nextRun(after: Self.instant(now))
        #expect(next == Self.instant(expected), "\(at) \(zone) after \(now): got \(next)")
    }

    @Test func aDailyScheduleRunsOncePerLocalDayAcrossAYearOfDSTChanges() {
        let schedule = Self.schedule("01:30", "America/New_York")
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "America/New_York")!
        var runs: [Date] = []
        var now = Self.instant("2026-01-01T00:00:00-05:00")
        while runs.count < 365 {
            now = schedule.nextRun(after: now)
            runs.append(now)
        }
        let days = runs.map { calendar.dateComponents([.year, .month, .day], from: $0) }
        #expect(Set(days).count == 365)
        #expect(
            runs.allSatisfy { calendar.component(.hour, from: $0) == 1 && calendar.component(.minute, from: $0) == 30 })
    }

    @Test(arguments: [(Int64(60), 60.0), (3600, 3600), (86_400, 86_400)])
    func anIntervalRunsThatLongAfterNow(every: Int64, seconds: Double) {
        var schedule = Configuration.Schedule()
        schedule.every = every
        let now = Self.instant("2026-03-08T06:59:00Z")
        #expect(DaemonSchedule(schedule: schedule).nextRun(after: now) == now.addingTimeInterval(seconds))
        #expect(DaemonSchedule(schedule: schedule).description == "every \(every) s")
    }

    @Test func theDefaultIsThreeInTheMorningInSeoul() {
        #expect(DaemonSchedule(schedule: Configuration.Schedule()).description == "daily at 03:00 Asia/Seoul")
    }
}
