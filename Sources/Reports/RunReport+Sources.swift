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

        /// Creates the sources of a run.
        public init(eventsFeed: EventsFeedStatus, eventsRead: Int, paymentsRevealed: Int) {
            self.eventsFeed = eventsFeed
            self.eventsRead = eventsRead
            self.paymentsRevealed = paymentsRevealed
        }

        /// `{"statusScan": "read", "eventsFeed": "read" | "unavailable", "eventsFeedReason": …,
        /// "eventsRead": n, "paymentsRevealedByEvents": n}`.
        var json: JSONValue {
            var reason: JSONValue = .null
            if case .unavailable(let text) = eventsFeed { reason = .string(text) }
            return .object([
                "statusScan": .string("read"), "eventsFeed": .string(eventsFeed.name), "eventsFeedReason": reason,
                "eventsRead": .integer(Int64(eventsRead)),
                "paymentsRevealedByEvents": .integer(Int64(paymentsRevealed)),
            ])
        }

        /// The sources read back from a stored report document; nil when it has none (a run by
        /// payment id, or a report from before the journal was read).
        public init?(document: JSONValue) {
            let sources = document["sources"]
            guard let feed = sources["eventsFeed"].stringValue else { return nil }
            let reason = sources["eventsFeedReason"].stringValue ?? "no reason recorded"
            self.init(
                eventsFeed: feed == "read" ? .read : .unavailable(reason: reason),
                eventsRead: Int(sources["eventsRead"].integerValue ?? 0),
                paymentsRevealed: Int(sources["paymentsRevealedByEvents"].integerValue ?? 0))
        }
    }
}
