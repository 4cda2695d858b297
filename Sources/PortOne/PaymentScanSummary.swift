import ReconcilerCore

/// What a finished scan did.
public struct PaymentScanSummary: Sendable, Hashable {
    /// `GET /payments` requests that returned a page (retried attempts count once).
    public var pagesFetched: Int = 0
    /// Items received, duplicates included.
    public var itemsReceived: Int = 0
    /// Payments handed to the consumer (each id once).
    public var paymentsDelivered: Int = 0
    /// Items that could not be decoded, handed over as failures.
    public var decodingFailures: Int = 0
    /// Items skipped because their id was already handed over (page boundaries, payments that
    /// changed status during the scan).
    public var duplicatesSkipped: Int = 0
    /// Every payment id the scan handed over (payments and undecodable items with an id), so
    /// the caller need not keep a second set of a million ids.
    public var seen = PaymentIdSet()
    /// Slice-ending pages read again because they looked like a page missing where data is
    /// expected (see ``KeysetCursor/isSuspiciousEnd(itemCount:totalCount:servedPageSize:)``).
    public var pagesReread: Int = 0
}
