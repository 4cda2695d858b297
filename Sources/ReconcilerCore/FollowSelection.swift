import WireFormat

/// Which payments one tick of the follow loop decides, and how far its cursor may move
/// (DESIGN §4.4a). Pure: the engine reads the journal and hands the entries over in journal
/// order; nothing here reads a clock or the network.
///
/// The rules:
/// - A PAID event younger than `grace` is left to the web app's webhook: its payment is not
///   taken, and the cursor stops before it (a later tick takes it).
/// - Every other event's payment is taken, once however many events it has, up to
///   `maxPayments` per tick. The cursor moves past an event only when its payment was taken and
///   every event before it was passed too; a tick that stops early (capacity) says so
///   (`backlog`), and the next one starts at once.
/// - A cancellation after the young PAID event is taken anyway (the web app never deducts, so
///   there is nothing to wait for) unless its payment's own PAID event is young; the cursor does
///   not pass it yet, so a later tick decides it again (harmless: decisions go by difference).
public struct FollowSelection: Equatable, Sendable {
    /// One journal event as the tick read it.
    public struct Entry: Equatable, Sendable {
        /// What kind of money movement.
        public enum Kind: Equatable, Sendable {
            /// `PAID`.
            case paid
            /// `PARTIAL_CANCELLED` or `CANCELLED`.
            case cancellation
            /// A type this build does not know, or an event that could not be read: decided
            /// at once (a fresh fetch by id shows what it is).
            case other
        }

        /// The payment it belongs to ("" when the event did not say).
        public var paymentId: String
        /// Its kind.
        public var kind: Kind
        /// When it happened at PortOne, nil when unreadable (then taken as old).
        public var createdAt: RFC3339.Timestamp?
        /// PortOne's cursor after this event.
        public var cursor: String

        /// Creates an entry.
        public init(paymentId: String, kind: Kind, createdAt: RFC3339.Timestamp?, cursor: String) {
            self.paymentId = paymentId
            self.kind = kind
            self.createdAt = createdAt
            self.cursor = cursor
        }
    }

    /// The payments to decide, in journal order, each once.
    public var paymentIds: [String]
    /// The cursor after the last event passed; nil when the cursor stays where it was.
    public var cursor: String?
    /// `createdAt` of the last event passed, nil when none passed (or it had no time).
    public var lastPassedAt: RFC3339.Timestamp?
    /// Events passed (the cursor moves past this many of the entries).
    public var eventsPassed: Int
    /// Young PAID events left to the webhook for now.
    public var deferred: Int
    /// The tick stopped at its capacity: more events wait, tick again at once.
    public var backlog: Bool
    /// `createdAt` of the first event not passed: every event before it is decided once this
    /// tick succeeds (nil: every entry was passed).
    public var firstPendingAt: RFC3339.Timestamp?

    /// Selects from `entries` (journal order) at `now`.
    public static func select(
        _ entries: [Entry], now: RFC3339.Timestamp, grace: Int64, maxPayments: Int
    ) -> FollowSelection {
        let youngFrom = now.adding(nanoseconds: -grace * 1_000_000_000)
        func isYoungPaid(_ entry: Entry) -> Bool {
            guard entry.kind == .paid, let at = entry.createdAt else { return false }
            return at > youngFrom
        }
        let youngPaid = Set(entries.filter(isYoungPaid).map(\.paymentId))
        var taken: [String] = []
        var takenSet = Set<String>()
        var passed = 0
        var passing = true
        var backlog = false
        var deferred = 0
        var firstPendingAt: RFC3339.Timestamp?
        var lastPassedAt: RFC3339.Timestamp?
        for entry in entries {
            if isYoungPaid(entry) { deferred += 1 }
            let payment = entry.paymentId
            let eligible = !isYoungPaid(entry) && !youngPaid.contains(payment)
            var decided = payment.isEmpty  // an event without a payment needs no decision
            if eligible && !payment.isEmpty {
                if takenSet.contains(payment) {
                    decided = true
                } else if taken.count < maxPayments {
                    taken.append(payment)
                    takenSet.insert(payment)
                    decided = true
                } else {
                    backlog = true
                }
            }
            if passing && decided && eligible {
                passed += 1
                lastPassedAt = entry.createdAt ?? lastPassedAt
            } else if passing {
                passing = false
                firstPendingAt = entry.createdAt
            }
            if backlog { break }
        }
        return FollowSelection(
            paymentIds: taken, cursor: passed > 0 ? entries[passed - 1].cursor : nil, lastPassedAt: lastPassedAt,
            eventsPassed: passed, deferred: deferred, backlog: backlog, firstPendingAt: firstPendingAt)
    }
}

/// The follow loop's fallback while the journal cannot be read (DESIGN §4.4a): the payments
/// whose status changed recently, by `GET /payments` (STATUS_CHANGED_AT), in that order.
public struct FollowScanSelection: Equatable, Sendable {
    /// One payment the status scan returned.
    public struct Entry: Equatable, Sendable {
        /// Its id.
        public var paymentId: String
        /// Whether it is PAID without any cancellation (a purchase the webhook may still grant).
        public var isPaidOnly: Bool
        /// When it was paid, if it was.
        public var paidAt: RFC3339.Timestamp?
        /// When its status last changed (the scan's order).
        public var statusChangedAt: RFC3339.Timestamp

        /// Creates an entry.
        public init(paymentId: String, isPaidOnly: Bool, paidAt: RFC3339.Timestamp?, statusChangedAt: RFC3339.Timestamp)
        {
            self.paymentId = paymentId
            self.isPaidOnly = isPaidOnly
            self.paidAt = paidAt
            self.statusChangedAt = statusChangedAt
        }
    }

    /// The payments to decide, each once.
    public var paymentIds: [String]
    /// Where the next fallback scan starts: the status time of the first payment not taken
    /// (young or over capacity), else the scan's end.
    public var nextFrom: RFC3339.Timestamp
    /// Young paid payments left to the webhook for now.
    public var deferred: Int
    /// Stopped at capacity.
    public var backlog: Bool

    /// Selects from `entries` (ascending status time) scanned up to `until`.
    public static func select(
        _ entries: [Entry], until: RFC3339.Timestamp, now: RFC3339.Timestamp, grace: Int64, maxPayments: Int
    ) -> FollowScanSelection {
        let youngFrom = now.adding(nanoseconds: -grace * 1_000_000_000)
        var taken: [String] = []
        var takenSet = Set<String>()
        var nextFrom: RFC3339.Timestamp?
        var deferred = 0
        var backlog = false
        for entry in entries {
            if entry.isPaidOnly, let paidAt = entry.paidAt, paidAt > youngFrom {
                deferred += 1
                nextFrom = nextFrom ?? entry.statusChangedAt
                continue
            }
            if takenSet.contains(entry.paymentId) { continue }
            guard taken.count < maxPayments else {
                backlog = true
                nextFrom = min(nextFrom ?? entry.statusChangedAt, entry.statusChangedAt)
                break
            }
            taken.append(entry.paymentId)
            takenSet.insert(entry.paymentId)
        }
        return FollowScanSelection(paymentIds: taken, nextFrom: nextFrom ?? until, deferred: deferred, backlog: backlog)
    }
}
