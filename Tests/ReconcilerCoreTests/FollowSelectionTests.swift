import ReconcilerCore
import Testing
import WireFormat

/// Which payments a tick of the follow loop decides and how far its cursor moves
/// (`FollowSelection`, DESIGN §4.4a), as tables of journals written in a small notation:
/// `P:a@-100` is a PAID event of payment `a` 100 s before now, `C:a@-5` a cancellation,
/// `X:a@-5` an event of an unknown type, `X:@-5` one without a payment id, `C:a@?` one with
/// no readable time. Each event's cursor is its position (`c0`, `c1`, ...).
struct FollowSelectionTests {
    static let now = RFC3339.timestamp("2026-12-04T12:00:00Z")!

    static func journal(_ text: String) -> [FollowSelection.Entry] {
        text.split(separator: " ").enumerated().map { index, token in
            let kind: FollowSelection.Entry.Kind
            switch token.first {
            case "P": kind = .paid
            case "C": kind = .cancellation
            default: kind = .other
            }
            let body = token.dropFirst(2)
            let parts = body.split(separator: "@", omittingEmptySubsequences: false)
            let at = Int64(parts[1]).map { now.adding(nanoseconds: $0 * 1_000_000_000) }
            return FollowSelection.Entry(paymentId: String(parts[0]), kind: kind, createdAt: at, cursor: "c\(index)")
        }
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var journal: String
        var grace: Int64 = 45
        var capacity = 100
        /// Payments taken, in order.
        var taken: [String]
        /// The cursor after the tick ("" when it stays).
        var cursor: String
        var deferred = 0
        var backlog = false
        /// Seconds before now of the first event not passed (nil: all passed).
        var pendingAt: Int64?
        var testDescription: String { journal.isEmpty ? "(empty journal)" : journal }
    }

    static let cases: [Case] = [
        Case(journal: "", taken: [], cursor: ""),
        Case(journal: "P:a@-100", taken: ["a"], cursor: "c0"),
        // A young PAID event stays with the webhook; the cursor stops before it.
        Case(journal: "P:a@-10", taken: [], cursor: "", deferred: 1, pendingAt: -10),
        Case(journal: "P:a@-100 P:b@-10", taken: ["a"], cursor: "c0", deferred: 1, pendingAt: -10),
        // Exactly `grace` old is no longer young.
        Case(journal: "P:a@-45", taken: ["a"], cursor: "c0"),
        Case(journal: "P:a@-44", taken: [], cursor: "", deferred: 1, pendingAt: -44),
        Case(journal: "P:a@-1", grace: 0, taken: ["a"], cursor: "c0"),
        // A payment with several events is taken once.
        Case(journal: "P:a@-300 C:a@-200 C:a@-100", taken: ["a"], cursor: "c2"),
        // A refund after a young PAID event is decided now, but the cursor does not pass it yet.
        Case(
            journal: "P:a@-100 P:b@-10 C:c@-5", taken: ["a", "c"], cursor: "c0", deferred: 1, pendingAt: -10),
        // ...unless its own PAID event is the young one (paid and refunded within the grace).
        Case(journal: "P:b@-20 C:b@-5", taken: [], cursor: "", deferred: 1, pendingAt: -20),
        // Capacity: the tick stops at the first payment beyond it and says more waits.
        Case(
            journal: "P:a@-300 P:b@-200 P:c@-100", capacity: 2, taken: ["a", "b"], cursor: "c1", backlog: true,
            pendingAt: -100),
        // Events of payments already taken do not count against the capacity.
        Case(journal: "P:a@-300 C:a@-200 P:b@-100", capacity: 2, taken: ["a", "b"], cursor: "c2"),
        Case(
            journal: "P:a@-300 P:b@-200 C:a@-100", capacity: 1, taken: ["a"], cursor: "c0", backlog: true,
            pendingAt: -200),
        // Unknown event types and unreadable events are decided at once (a fresh fetch tells).
        Case(journal: "X:a@-5", taken: ["a"], cursor: "c0"),
        Case(journal: "C:a@?", taken: ["a"], cursor: "c0"),
        // An event without a payment id needs no decision: the cursor passes it.
        Case(journal: "X:@-300 P:a@-100", taken: ["a"], cursor: "c1"),
        Case(journal: "X:@-300", taken: [], cursor: "c0"),
    ]

    @Test(arguments: cases)
    func selects(_ c: Case) {
        let selection = FollowSelection.select(
            Self.journal(c.journal), now: Self.now, grace: c.grace, maxPayments: c.capacity)
        #expect(selection.paymentIds == c.taken)
        #expect(selection.cursor == (c.cursor.isEmpty ? nil : c.cursor))
        #expect(selection.deferred == c.deferred)
        #expect(selection.backlog == c.backlog)
        #expect(selection.firstPendingAt == c.pendingAt.map { Self.now.adding(nanoseconds: $0 * 1_000_000_000) })
        let passed = c.cursor.isEmpty ? 0 : Int(c.cursor.dropFirst())! + 1
        #expect(selection.eventsPassed == passed)
    }

    /// Over every journal of up to four events from a small alphabet and every capacity: the
    /// cursor never passes an event whose payment was not taken (the durability rule), no
    /// young PAID payment is taken, and a payment is taken at most once.
    @Test func theCursorNeverPassesAnUndecidedEvent() {
        let alphabet = ["P:a@-100", "P:a@-10", "C:a@-5", "P:b@-100", "P:b@-10", "C:b@-50", "X:c@-1", "X:@-1"]
        var journals: [[String]] = [[]]
        var level: [[String]] = [[]]
        for _ in 0..<4 {
            level = level.flatMap { journal in alphabet.map { journal + [$0] } }
            journals += level
        }
        var checked = 0
        for tokens in journals {
            let entries = Self.journal(tokens.joined(separator: " "))
            for capacity in 1...3 {
                let selection = FollowSelection.select(entries, now: Self.now, grace: 45, maxPayments: capacity)
                let taken = Set(selection.paymentIds)
                #expect(taken.count == selection.paymentIds.count)
                #expect(selection.paymentIds.count <= capacity)
                let young = Set(
                    entries.filter { $0.kind == .paid && $0.createdAt! > Self.now.adding(nanoseconds: -45_000_000_000) }
                        .map(\.paymentId))
                #expect(taken.isDisjoint(with: young))
                for entry in entries.prefix(selection.eventsPassed) {
                    #expect(entry.paymentId.isEmpty || taken.contains(entry.paymentId), "\(tokens) cap \(capacity)")
                }
                checked += 1
            }
        }
        #expect(checked == 3 * (1 + 8 + 64 + 512 + 4096))
    }
}

/// The fallback while the journal is down (`FollowScanSelection`): payments by status time,
/// young purchases left to the webhook, capacity, and where the next scan starts.
struct FollowScanSelectionTests {
    static let now = FollowSelectionTests.now

    /// `a:P-100` is payment `a`, paid-only, status changed 100 s before now; `a:C-100` one with
    /// a cancellation (or not PAID).
    static func entries(_ text: String) -> [FollowScanSelection.Entry] {
        text.split(separator: " ").map { token in
            let parts = token.split(separator: ":")
            let seconds = Int64(parts[1].dropFirst())!
            let at = now.adding(nanoseconds: seconds * 1_000_000_000)
            let paidOnly = parts[1].first == "P"
            return FollowScanSelection.Entry(
                paymentId: String(parts[0]), isPaidOnly: paidOnly, paidAt: paidOnly ? at : nil, statusChangedAt: at)
        }
    }

    @Test(
        arguments: [
            ("a:P-100 b:C-50", 10, ["a", "b"], 0, false, nil),
            ("a:P-100 b:P-10 c:C-5", 10, ["a", "c"], 1, false, Int64(-10)),
            ("a:C-100 b:C-50 c:C-5", 2, ["a", "b"], 0, true, Int64(-5)),
            ("a:C-100 a:C-50", 1, ["a"], 0, false, nil),
            ("", 5, [], 0, false, nil),
        ] as [(String, Int, [String], Int, Bool, Int64?)])
    func selects(journal: String, capacity: Int, taken: [String], deferred: Int, backlog: Bool, next: Int64?) {
        let until = Self.now
        let selection = FollowScanSelection.select(
            journal.isEmpty ? [] : Self.entries(journal), until: until, now: Self.now, grace: 45,
            maxPayments: capacity)
        #expect(selection.paymentIds == taken)
        #expect(selection.deferred == deferred)
        #expect(selection.backlog == backlog)
        #expect(selection.nextFrom == (next.map { Self.now.adding(nanoseconds: $0 * 1_000_000_000) } ?? until))
    }
}
