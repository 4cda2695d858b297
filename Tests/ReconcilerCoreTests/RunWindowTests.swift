import ReconcilerCore
import Testing
import WireFormat

@Suite struct RunWindowTests {
    typealias F = Fixture
    static let day: Int64 = 86_400

    struct Row: Sendable, CustomTestStringConvertible {
        var name: String
        var checkpoint: RFC3339.Timestamp?
        var since: RFC3339.Timestamp?
        var until: RFC3339.Timestamp?
        var full = false
        var from: RFC3339.Timestamp
        var expectedUntil: RFC3339.Timestamp
        var origin: RunWindow.Origin
        var testDescription: String { name }
    }

    static let rows: [Row] = [
        Row(
            name: "first run: now − initialLookback → now − settleDelay", from: F.ago(seconds: 7 * day),
            expectedUntil: F.ago(seconds: 600), origin: .initialLookback),
        Row(
            name: "default: checkpoint − overlap → now − settleDelay",
            checkpoint: F.instant("2026-11-25T02:50:00.123456789Z"), from: F.instant("2026-11-24T02:50:00.123456789Z"),
            expectedUntil: F.ago(seconds: 600), origin: .checkpoint),
        Row(
            name: "explicit since and until override everything", checkpoint: F.ago(seconds: 3600),
            since: F.instant("2026-11-01T00:00:00+09:00"), until: F.instant("2026-11-02T00:00:00+09:00"), full: true,
            from: F.instant("2026-10-31T15:00:00Z"), expectedUntil: F.instant("2026-11-01T15:00:00Z"), origin: .explicit
        ),
        Row(
            name: "explicit since alone ends at now − settleDelay", since: F.ago(seconds: day),
            from: F.ago(seconds: day),
            expectedUntil: F.ago(seconds: 600), origin: .explicit),
        Row(
            name: "explicit until alone keeps the checkpoint start", checkpoint: F.ago(seconds: day),
            until: F.ago(seconds: 3600), from: F.ago(seconds: 2 * day), expectedUntil: F.ago(seconds: 3600),
            origin: .checkpoint),
        Row(
            name: "full sweep ignores the checkpoint", checkpoint: F.ago(seconds: 3600), full: true,
            from: F.ago(seconds: 90 * day), expectedUntil: F.ago(seconds: 600), origin: .full),
    ]

    @Test(arguments: rows)
    func computes(_ row: Row) throws {
        let window = try RunWindow.compute(
            checkpoint: row.checkpoint, now: F.now, policy: Configuration.Policy(), since: row.since, until: row.until,
            full: row.full, fullLookback: 90 * Self.day)
        #expect(window == RunWindow(from: row.from, until: row.expectedUntil, origin: row.origin))
    }

    @Test(
        arguments: [
            // since equal to until: empty
            (
                RFC3339.Timestamp?.none, Fixture.ago(seconds: 100), Fixture.ago(seconds: 100),
                "give a --since earlier than --until"
            ),
            (nil, Fixture.ago(seconds: 100), Fixture.ago(seconds: 200), "give a --since earlier than --until"),
            (nil, Fixture.ago(seconds: 300), nil, "give an earlier --since"),
            // a checkpoint more than overlap in the future
            (Fixture.ago(seconds: -2 * 86_400), nil, nil, "checkpoint lies in the future"),
        ] as [(RFC3339.Timestamp?, RFC3339.Timestamp?, RFC3339.Timestamp?, String)])
    func refusesAnEmptyWindow(
        checkpoint: RFC3339.Timestamp?, since: RFC3339.Timestamp?, until: RFC3339.Timestamp?, advice: String
    ) {
        do {
            let window = try RunWindow.compute(
                checkpoint: checkpoint, now: F.now, policy: Configuration.Policy(), since: since, until: until,
                full: false, fullLookback: 0)
            Issue.record("expected an error, got \(window)")
        } catch {
            #expect(error.from >= error.until)
            #expect(error.description.hasPrefix("the run window is empty: "))
            #expect(error.description.contains(advice))
        }
    }

    @Test func durationsNeverOverflow() throws {
        let beforeEpoch = RFC3339.Timestamp(secondsSinceEpoch: -10)
        let window = try RunWindow.compute(
            checkpoint: nil, now: beforeEpoch, policy: Configuration.Policy(), since: nil, until: nil, full: true,
            fullLookback: .max)
        #expect(window.from.secondsSinceEpoch == .min)
        #expect(window.until.secondsSinceEpoch == -610)
    }
}
