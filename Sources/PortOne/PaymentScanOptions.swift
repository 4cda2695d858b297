/// How ``PortOneClient/scanPayments(from:until:options:onPage:)`` walks a window.
public struct PaymentScanOptions: Sendable, Hashable {
    /// The timestamp that places a payment in the window, and the keyset the scan pages on:
    /// `statusChangedAt` (sorted by `STATUS_CHANGED_AT`) or creation (`requestedAt`,
    /// sorted by `REQUESTED_AT`).
    public var timestampType: PaymentListQuery.TimestampType
    /// Items per request.
    public var pageSize: Int
    /// How many time slices of the window are fetched concurrently (1: one sequential scan).
    public var parallelism: Int
    /// Only these statuses (nil: all).
    public var statuses: [PaymentStatus]?
    /// How far before the last timestamp seen each next page starts (see
    /// ``KeysetCursor/overlapNanoseconds``); 0 relies on `from` being inclusive, as the
    /// simulator documents and PortOne does not.
    public var boundaryOverlap: Duration

    /// Creates options; by default `STATUS_CHANGED_AT`, 1000 per page, one slice.
    public init(
        timestampType: PaymentListQuery.TimestampType = .statusChangedAt, pageSize: Int = 1000,
        parallelism: Int = 1, statuses: [PaymentStatus]? = nil, boundaryOverlap: Duration = .zero
    ) {
        self.boundaryOverlap = boundaryOverlap
        self.timestampType = timestampType
        self.pageSize = max(1, min(pageSize, PaymentListQuery.reachableRows))
        self.parallelism = max(1, parallelism)
        self.statuses = statuses
    }
}
