import ReconcilerCore
import WireFormat

/// The keyset paging of one time slice: pure state, advanced page by page.
///
/// Pages are sorted ascending by the keyset timestamp and always requested as page 0 from the
/// last timestamp seen (inclusive), so rows that move during the scan cannot shift a later
/// page. When a whole page shares one timestamp the next request keeps `from` and takes the
/// next page number instead (bounded by PortOne's 60,000 reachable rows).
public struct KeysetCursor: Sendable, Hashable {
    /// Lower bound of the next request.
    public private(set) var from: RFC3339.Timestamp
    /// Where the slice starts (the first request's `from`).
    public let start: RFC3339.Timestamp
    /// Upper bound (exclusive) of every request.
    public let until: RFC3339.Timestamp
    /// Page number of the next request.
    public private(set) var pageNumber: Int = 0
    /// True once a short page ended the slice.
    public private(set) var isFinished = false
    /// Items per page.
    public let pageSize: Int
    /// How far before the last timestamp seen the next page starts (0: exactly at it). A safety
    /// margin in case a server treats `from` as exclusive or compares coarser timestamps than
    /// it returns; the re-read rows are de-duplicated by the scan.
    public let overlapNanoseconds: Int64

    /// Starts a slice.
    public init(from: RFC3339.Timestamp, until: RFC3339.Timestamp, pageSize: Int, overlap: Duration = .zero) {
        self.from = from
        self.start = from
        self.until = until
        self.pageSize = pageSize
        let (seconds, attoseconds) = overlap.components
        self.overlapNanoseconds = max(0, seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        self.isFinished = from >= until
    }

    /// Moves past a received page of `itemCount` items whose largest keyset timestamp is
    /// `lastKey` (nil when no item of the page could be decoded). `servedPageSize` is the page
    /// size the server says it used: a server that caps the size must not make a full page
    /// look short (which would end the slice early and miss payments).
    public mutating func advance(
        itemCount: Int, lastKey: RFC3339.Timestamp?, servedPageSize: Int? = nil
    ) throws(PortOneError) {
        if ends(itemCount: itemCount, servedPageSize: servedPageSize) {
            isFinished = true
            return
        }
        if let lastKey, lastKey.adding(nanoseconds: -overlapNanoseconds) > from {
            from = lastKey.adding(nanoseconds: -overlapNanoseconds)
            pageNumber = 0
        } else {
            pageNumber += 1
        }
        if (pageNumber + 1) * pageSize > PaymentListQuery.reachableRows {
            throw .scanLimitExceeded(
                reason: "more than \(PaymentListQuery.reachableRows) payments share the timestamp \(from) "
                    + "(or cannot be decoded); PortOne's page API cannot reach past that")
        }
    }

    /// Whether a page of `itemCount` items (served with `servedPageSize`) ends the slice.
    public func ends(itemCount: Int, servedPageSize: Int? = nil) -> Bool {
        itemCount == 0 || itemCount < effectiveSize(servedPageSize)
    }

    /// Whether PortOne's `totalCount` claims more matches than a slice-ending page reached (its
    /// offset plus its items). `totalCount` is ambiguous (API-NOTES: the grand total, or the
    /// items returned); it claims more only under the first reading, never under the second.
    public func totalCountClaimsMore(itemCount: Int, totalCount: Int, servedPageSize: Int? = nil) -> Bool {
        let (offset, overflow) = pageNumber.multipliedReportingOverflow(by: effectiveSize(servedPageSize))
        return !overflow && totalCount != itemCount && totalCount > offset + itemCount
    }

    /// Whether a slice-ending page of `itemCount` items looks like a page missing where data is
    /// expected, and is worth reading again: `totalCount` claims more, or a continuation page
    /// (after a full page) came back empty although it starts at (or before) the last payment
    /// seen, which it normally repeats.
    public func isSuspiciousEnd(itemCount: Int, totalCount: Int, servedPageSize: Int? = nil) -> Bool {
        guard ends(itemCount: itemCount, servedPageSize: servedPageSize) else { return false }
        if totalCountClaimsMore(itemCount: itemCount, totalCount: totalCount, servedPageSize: servedPageSize) {
            return true
        }
        return itemCount == 0 && (pageNumber > 0 || from > start)
    }

    private func effectiveSize(_ servedPageSize: Int?) -> Int {
        min(pageSize, servedPageSize.flatMap { $0 > 0 ? $0 : nil } ?? pageSize)
    }

    /// Splits `[from, until)` into `count` consecutive slices of (nearly) equal duration.
    public static func slices(from: RFC3339.Timestamp, until: RFC3339.Timestamp, count: Int)
        -> [(from: RFC3339.Timestamp, until: RFC3339.Timestamp)]
    {
        guard from < until, count > 1 else { return [(from, until)] }
        let total = from.nanoseconds(to: until)
        let count = Int64(min(count, Int(min(total, 1024))))
        return (0..<count).map { index in
            let start = from.adding(nanoseconds: total / count * index)
            let end = index == count - 1 ? until : from.adding(nanoseconds: total / count * (index + 1))
            return (start, end)
        }
    }
}
