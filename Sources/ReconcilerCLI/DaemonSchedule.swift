import Foundation
import ReconcilerCore

/// When the daemon runs next: daily at `schedule.at` in `schedule.timeZone`, or every
/// `schedule.every` seconds. Pure, so the time-zone rules are tested with tables.
///
/// Daylight saving time: a daily time that does not exist on a spring-forward day runs when the
/// clock jumps (02:30 in New York on the second Sunday of March runs at 03:00 EDT); a time
/// that occurs twice on a fall-back day runs once, at the first occurrence.
struct DaemonSchedule: Equatable, Sendable {
    /// The configured schedule.
    var schedule: Configuration.Schedule

    /// The first run time strictly after `instant`.
    func nextRun(after instant: Date) -> Date {
        if let every = schedule.every, every > 0 {
            return instant.addingTimeInterval(TimeInterval(every))
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: schedule.timeZone) ?? TimeZone(identifier: "UTC")!
        let wanted = DateComponents(hour: schedule.hour, minute: schedule.minute, second: 0)
        // Look at the wall time on the day of `instant` and the following days; the first one
        // after `instant` wins. Each day is resolved on its own so a DST day never skips a run.
        let start = calendar.startOfDay(for: instant)
        for offset in 0..<3 {
            guard let day = calendar.date(byAdding: .day, value: offset, to: start),
                let candidate = resolve(wanted, on: day, calendar: calendar)
            else { continue }
            if candidate > instant { return candidate }
        }
        return instant.addingTimeInterval(86_400)
    }

    /// The instant of wall time `wanted` on the local day starting at `day`: the first of two,
    /// or the end of the gap when the wall time does not exist.
    private func resolve(_ wanted: DateComponents, on day: Date, calendar: Calendar) -> Date? {
        var components = calendar.dateComponents([.year, .month, .day], from: day)
        components.hour = wanted.hour
        components.minute = wanted.minute
        components.second = 0
        let zone = calendar.timeZone
        // Try the offsets in force just before and just after the wall time on that day.
        let noon = day.addingTimeInterval(12 * 3600)
        let offsets = Set([
            zone.secondsFromGMT(for: day), zone.secondsFromGMT(for: noon),
            zone.secondsFromGMT(for: day.addingTimeInterval(-86_400)),
            zone.secondsFromGMT(for: day.addingTimeInterval(86_400 + 12 * 3600)),
        ])
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(identifier: "UTC")!
        guard let wallAsUTC = utc.date(from: components) else { return nil }
        let matches = offsets.map { wallAsUTC.addingTimeInterval(-TimeInterval($0)) }
            .filter { zone.secondsFromGMT(for: $0) == Int(wallAsUTC.timeIntervalSince($0)) }
        if let first = matches.min() { return first }
        // In a gap: the wall time is skipped; run at the first instant after the jump.
        let beforeGap = offsets.map { wallAsUTC.addingTimeInterval(-TimeInterval($0)) }
        guard let earliest = beforeGap.min(), let latest = beforeGap.max() else { return nil }
        var probe = earliest
        while probe < latest, zone.secondsFromGMT(for: probe) == zone.secondsFromGMT(for: earliest) {
            probe = probe.addingTimeInterval(60)
        }
        return probe
    }

    /// "daily at 03:00 Asia/Seoul" or "every 3600 s".
    var description: String {
        if let every = schedule.every { return "every \(every) s" }
        let time = String(format: "%02d:%02d", schedule.hour, schedule.minute)
        return "daily at \(time) \(schedule.timeZone)"
    }
}
