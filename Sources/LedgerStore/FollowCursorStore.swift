import Foundation
import Postgres
import ReconcilerCore

/// Where the daemon's follow loop stands in PortOne's journal (`reconciler.follow_cursor`,
/// DESIGN §4.4a). The cursor is written only after the tick that read up to it recorded its
/// decisions, so a tick that dies is replayed by the next.
public final class FollowCursorStore {
    /// The connection the state is read and written on.
    public let connection: Connection
    /// The row of PortOne's payment events journal.
    public static let journal = "payment-events"

    /// Creates a store on `connection`.
    public init(connection: Connection) {
        self.connection = connection
    }

    /// The follow loop's state, nil before its first tick.
    public func load() throws(LedgerStoreError) -> FollowState? {
        guard
            let row = try connection.firstRow(
                """
                SELECT cursor, from_time, last_event_at, caught_up_to, feed, feed_reason, last_tick_at,
                       last_tick_run_id, last_tick_result, events_read, payments_decided, fixes_applied, updated_at
                FROM reconciler.follow_cursor WHERE name = $1
                """, [Self.journal])
        else { return nil }
        return try storing(try Self.state(row))
    }

    private static func state(_ row: Row) throws(PostgresError) -> FollowState {
        let feed: String = try row.decode("feed")
        let reason: String? = try row.decode("feed_reason")
        return FollowState(
            cursor: try row.decode("cursor"), fromTime: try row.decode("from_time"),
            lastEventAt: try row.decode("last_event_at"), caughtUpTo: try row.decode("caught_up_to"),
            feed: feed == "read" ? .read : .unavailable(reason: reason ?? "unknown"),
            lastTickAt: try row.decode("last_tick_at"), lastTickRunId: try row.decode("last_tick_run_id"),
            lastTickResult: try row.decode("last_tick_result"), eventsRead: try row.decode("events_read"),
            paymentsDecided: try row.decode("payments_decided"), fixesApplied: try row.decode("fixes_applied"),
            updatedAt: try row.decode("updated_at"))
    }

    /// Writes `state` (the whole row; `updatedAt` is the server's now).
    public func save(_ state: FollowState) throws(LedgerStoreError) {
        var reason: String?
        if case .unavailable(let text) = state.feed { reason = text }
        try connection.perform(
            """
            INSERT INTO reconciler.follow_cursor
                (name, cursor, from_time, last_event_at, caught_up_to, feed, feed_reason, last_tick_at,
                 last_tick_run_id, last_tick_result, events_read, payments_decided, fixes_applied, updated_at)
            VALUES ($1, $2, $3::timestamptz, $4::timestamptz, $5::timestamptz, $6, $7, $8::timestamptz, $9, $10, $11,
                    $12, $13, now())
            ON CONFLICT (name) DO UPDATE SET
                cursor = EXCLUDED.cursor, from_time = EXCLUDED.from_time, last_event_at = EXCLUDED.last_event_at,
                caught_up_to = EXCLUDED.caught_up_to, feed = EXCLUDED.feed, feed_reason = EXCLUDED.feed_reason,
                last_tick_at = EXCLUDED.last_tick_at, last_tick_run_id = EXCLUDED.last_tick_run_id,
                last_tick_result = EXCLUDED.last_tick_result, events_read = EXCLUDED.events_read,
                payments_decided = EXCLUDED.payments_decided, fixes_applied = EXCLUDED.fixes_applied,
                updated_at = now()
            """,
            [
                Self.journal, state.cursor, state.fromTime, state.lastEventAt, state.caughtUpTo, state.feed.name,
                reason, state.lastTickAt, state.lastTickRunId, state.lastTickResult, state.eventsRead,
                state.paymentsDecided, state.fixesApplied,
            ])
    }
}

/// The follow loop's row in `reconciler.follow_cursor`.
public struct FollowState: Sendable, Equatable {
    /// PortOne's cursor after the last decided event; nil before the first event passed.
    public var cursor: String?
    /// The lower bound of event time the journal is read from.
    public var fromTime: Date
    /// `createdAt` of the last event the cursor passed.
    public var lastEventAt: Date?
    /// Every event created before this was decided (the lag is now minus this).
    public var caughtUpTo: Date?
    /// Whether the last tick could read the journal.
    public var feed: EventsFeedStatus
    /// When the last tick ended.
    public var lastTickAt: Date?
    /// The run the last tick that decided payments recorded.
    public var lastTickRunId: Int64?
    /// One line: what the last tick did, or why it stopped.
    public var lastTickResult: String?
    /// Events read by every tick so far.
    public var eventsRead: Int64
    /// Payments decided by every tick so far.
    public var paymentsDecided: Int64
    /// Repairs applied by every tick so far.
    public var fixesApplied: Int64
    /// When the row was last written (the server's time; ignored by `save`).
    public var updatedAt: Date?

    /// Creates a state.
    public init(
        cursor: String? = nil, fromTime: Date, lastEventAt: Date? = nil, caughtUpTo: Date? = nil,
        feed: EventsFeedStatus = .read, lastTickAt: Date? = nil, lastTickRunId: Int64? = nil,
        lastTickResult: String? = nil, eventsRead: Int64 = 0, paymentsDecided: Int64 = 0, fixesApplied: Int64 = 0,
        updatedAt: Date? = nil
    ) {
        self.cursor = cursor
        self.fromTime = fromTime
        self.lastEventAt = lastEventAt
        self.caughtUpTo = caughtUpTo
        self.feed = feed
        self.lastTickAt = lastTickAt
        self.lastTickRunId = lastTickRunId
        self.lastTickResult = lastTickResult
        self.eventsRead = eventsRead
        self.paymentsDecided = paymentsDecided
        self.fixesApplied = fixesApplied
        self.updatedAt = updatedAt
    }
}
