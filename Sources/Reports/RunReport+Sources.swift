import Foundation
import ReconcilerCore
import WireFormat

extension RunReport {
    /// Where a window run learned what moved: the status scan always, and PortOne's journal of
    /// money movements when it could be read (ARCHITECTURE §5.4). A run that could not read the
    /// journal says so here, with the reason, instead of hiding that it was missing.
    public struct Sources: Sendable, Hashable {
        /// The journal's status for this run.
        public var eventsFeed: EventsFeedStatus
        /// Events read from the journal (whole pages, also when it failed part way).
        public var eventsRead: Int
        /// Payments with an event in the window that the status scan did not return: found
        /// only through the journal.
        public var paymentsRevealed: Int

        /// Where the daemon's follow loop stood when the run ended (DESIGN §4.4a), nil when no
        /// daemon has followed the journal (the timer setup).
        public var followLoop: FollowLoop?

        /// The daemon's follow loop as a run's report states it: whether its ticks could read
        /// the journal or fell back to the status scan, and how far they had got.
        public struct FollowLoop: Sendable, Hashable {
            /// Whether the last tick read the journal.
            public var eventsFeed: EventsFeedStatus
            /// When the last tick ended.
            public var lastTickAt: Date?
            /// Every journal event before this was decided by the ticks.
            public var caughtUpTo: Date?

            /// Creates the summary.
            public init(eventsFeed: EventsFeedStatus, lastTickAt: Date?, caughtUpTo: Date?) {
                self.eventsFeed = eventsFeed
                self.lastTickAt = lastTickAt
                self.caughtUpTo = caughtUpTo
            }
        }

        /// Creates the sources of a run.
        public init(eventsFeed: EventsFeedStatus, eventsRead: Int, paymentsRevealed: Int, followLoop: FollowLoop? = nil)
        {
            self.eventsFeed = eventsFeed
            self.eventsRead = eventsRead
            self.paymentsRevealed = paymentsRevealed
            self.followLoop = followLoop
        }

        /// `{"statusScan": "read", "eventsFeed": "read" | "unavailable", "eventsFeedReason": …,
        /// "eventsRead": n, "paymentsRevealedByEvents": n}`.
        var json: JSONValue {
            var reason: JSONValue = .null
            if case .unavailable(let text) = eventsFeed { reason = .string(text) }
            var fields: [String: JSONValue] = [
                "statusScan": .string("read"), "eventsFeed": .string(eventsFeed.name), "eventsFeedReason": reason,
                "eventsRead": .integer(Int64(eventsRead)),
                "paymentsRevealedByEvents": .integer(Int64(paymentsRevealed)),
            ]
            // Only where a daemon follows the journal: reports of the timer setup stay as they were.
            if let followLoop {
                var followReason: JSONValue = .null
                if case .unavailable(let text) = followLoop.eventsFeed { followReason = .string(text) }
                func time(_ date: Date?) -> JSONValue {
                    date.map { .string(RFC3339.format(RFC3339.Timestamp($0), fraction: .milliseconds)) } ?? .null
                }
                fields["followLoop"] = .object([
                    "eventsFeed": .string(followLoop.eventsFeed.name), "eventsFeedReason": followReason,
                    "lastTickAt": time(followLoop.lastTickAt), "caughtUpTo": time(followLoop.caughtUpTo),
                ])
            }
            return .object(fields)
        }

        /// The sources read back from a stored report document; nil when it has none (a run by
        /// payment id, or a report from before the journal was read).
        public init?(document: JSONValue) {
            let sources = document["sources"]
            guard let feed = sources["eventsFeed"].stringValue else { return nil }
            let reason = sources["eventsFeedReason"].stringValue ?? "no reason recorded"
            var followLoop: FollowLoop?
            let follow = sources["followLoop"]
            if let followFeed = follow["eventsFeed"].stringValue {
                func date(_ value: JSONValue) -> Date? { value.stringValue.flatMap(RFC3339.timestamp)?.date }
                followLoop = FollowLoop(
                    eventsFeed: followFeed == "read"
                        ? .read : .unavailable(reason: follow["eventsFeedReason"].stringValue ?? "no reason recorded"),
                    lastTickAt: date(follow["lastTickAt"]), caughtUpTo: date(follow["caughtUpTo"]))
            }
            self.init(
                eventsFeed: feed == "read" ? .read : .unavailable(reason: reason),
                eventsRead: Int(sources["eventsRead"].integerValue ?? 0),
                paymentsRevealed: Int(sources["paymentsRevealedByEvents"].integerValue ?? 0), followLoop: followLoop)
        }
    }
}
