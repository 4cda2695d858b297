/// A page of `GET /payment-events-by-cursor` read for its events' payment ids only: what a run
/// needs of PortOne's journal (which payments moved money), without decoding each event.
public struct PaymentEventIdPage: CursorPaged, Hashable {
    /// Each event's `paymentId`, in server order; nil for an event without one that can be read
    /// (not an object, no `paymentId` string, or one that is not valid text).
    public var paymentIds: [String?]
    /// The last event's cursor (continue from it), nil when the page is empty (the end).
    public var lastCursor: String?

    /// Creates a page.
    public init(paymentIds: [String?], lastCursor: String?) {
        self.paymentIds = paymentIds
        self.lastCursor = lastCursor
    }

    /// The payment ids of a fully decoded page: each event's, or the one its decoding failure
    /// carries.
    public init(_ page: CursorPage<PaymentEvent>) {
        self.init(
            paymentIds: page.items.map { item in
                switch item.item {
                case .success(let event): event.paymentId
                case .failure(let failure): failure.paymentId
                }
            },
            lastCursor: page.lastCursor)
    }
}
