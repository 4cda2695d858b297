import ReconcilerCore
import WireFormat

extension PortOneClient {
    /// Scans every payment of a window with `GET /payments`, page by page, each payment id
    /// handed over exactly once — also beyond 60,000 payments and while payments change status.
    ///
    /// Memory stays bounded by `parallelism` pages plus 16-byte fingerprints of the ids already
    /// handed over (``PaymentIdSet``).
    /// `onPage` is called from one task at a time (never concurrently), in no guaranteed order
    /// across slices; the next page of a slice is fetched after its previous page was handled.
    /// A payment that moves later in the window during the scan is handed over once, in the
    /// version seen first (refetch by id before acting on it).
    ///
    /// A page that would end a slice but looks like a page missing where data is expected (an
    /// empty continuation page, or fewer items than PortOne's `totalCount` says match) is read
    /// again, up to ``maxRereads`` times; an empty page that stays empty ends the slice, a
    /// `totalCount` that still claims more fails the scan as ``PortOneError/unavailable(attempts:elapsed:lastProblem:)``
    /// rather than silently missing payments.
    ///
    /// - Throws: ``PortOneError`` from the API, or what `onPage` throws.
    public func scanPayments(
        from: RFC3339.Timestamp, until: RFC3339.Timestamp, options: PaymentScanOptions = PaymentScanOptions(),
        onPage: (PaymentScanPage) async throws -> Void
    ) async throws -> PaymentScanSummary {
        let ranges = KeysetCursor.slices(from: from, until: until, count: options.parallelism)
        var cursors = ranges.map {
            KeysetCursor(from: $0.from, until: $0.until, pageSize: options.pageSize, overlap: options.boundaryOverlap)
        }
        var seen = PaymentIdSet()
        var summary = PaymentScanSummary()
        var rereads = [Int](repeating: 0, count: cursors.count)
        let started = ContinuousClock.now
        let keyPath: KeyPath<Payment, RFC3339.Timestamp> =
            options.timestampType == .statusChangedAt ? \.statusChangedAt : \.requestedAt
        let sortBy: PaymentListQuery.SortBy =
            options.timestampType == .statusChangedAt ? .statusChangedAt : .requestedAt
        let storeId = configuration.storeId
        func query(_ cursor: KeysetCursor) -> PaymentListQuery {
            PaymentListQuery(
                storeId: storeId, timestampType: options.timestampType, from: cursor.from, until: cursor.until,
                statuses: options.statuses, sortBy: sortBy, sortOrder: .ascending, pageNumber: cursor.pageNumber,
                pageSize: cursor.pageSize)
        }
        try await withThrowingTaskGroup(of: (Int, PaymentsPage).self) { group in
            for (index, cursor) in cursors.enumerated() where !cursor.isFinished {
                let request = query(cursor)
                group.addTask { (index, try await self.getPayments(request)) }
            }
            while let (index, page) = try await group.next() {
                summary.pagesFetched += 1
                summary.itemsReceived += page.items.count
                var fresh: [Result<Payment, PaymentDecodingFailure>] = []
                fresh.reserveCapacity(page.items.count)
                var lastKey: RFC3339.Timestamp?
                for item in page.items {
                    switch item {
                    case .success(let payment):
                        let key = payment[keyPath: keyPath]
                        if lastKey.map({ key > $0 }) ?? true { lastKey = key }
                        if seen.insert(payment.id) {
                            fresh.append(item)
                            summary.paymentsDelivered += 1
                        } else {
                            summary.duplicatesSkipped += 1
                        }
                    case .failure(let failure):
                        if let id = failure.paymentId, !seen.insert(id) {
                            summary.duplicatesSkipped += 1
                        } else {
                            fresh.append(item)
                            summary.decodingFailures += 1
                        }
                    }
                }
                let cursor = cursors[index]
                let count = page.items.count
                if cursor.isSuspiciousEnd(itemCount: count, totalCount: page.totalCount, servedPageSize: page.size),
                    rereads[index] < Self.maxRereads
                {
                    // Read the same page again (the items handed over now are de-duplicated).
                    rereads[index] += 1
                    summary.pagesReread += 1
                } else {
                    if cursor.ends(itemCount: count, servedPageSize: page.size),
                        cursor.totalCountClaimsMore(
                            itemCount: count, totalCount: page.totalCount, servedPageSize: page.size)
                    {
                        throw PortOneError.unavailable(
                            attempts: rereads[index] + 1, elapsed: ContinuousClock.now - started,
                            lastProblem:
                                "GET /payments keeps returning \(count) payments from \(RFC3339.format(cursor.from)) "
                                + "(page \(cursor.pageNumber)) where its totalCount says \(page.totalCount) match; "
                                + "the scan stopped rather than miss payments")
                    }
                    rereads[index] = 0
                    try cursors[index].advance(itemCount: count, lastKey: lastKey, servedPageSize: page.size)
                }
                if !fresh.isEmpty {
                    try await onPage(PaymentScanPage(items: fresh, slice: index))
                }
                if !cursors[index].isFinished {
                    let request = query(cursors[index])
                    group.addTask { (index, try await self.getPayments(request)) }
                }
            }
        }
        summary.seen = seen
        return summary
    }

    /// How often a slice-ending page that looks wrong is read again before it is believed.
    public static let maxRereads = 3

    /// Walks `GET /payments-by-cursor` (payments by creation time; unstable at PortOne) until an
    /// empty page, handing each page over as it arrives.
    public func scanPaymentsByCursor(
        from: RFC3339.Timestamp?, until: RFC3339.Timestamp?, pageSize: Int = 1000,
        onPage: (CursorPage<Payment>) async throws -> Void
    ) async throws {
        try await walkCursor(from: from, until: until, pageSize: pageSize, page: getPaymentsByCursor, onPage: onPage)
    }

    /// Walks `GET /payment-events-by-cursor` like ``scanPaymentEvents(from:until:pageSize:onPage:)``,
    /// reading each page for its events' payment ids only (a run needs no more of the journal).
    public func scanPaymentEventIds(
        from: RFC3339.Timestamp?, until: RFC3339.Timestamp?, pageSize: Int = 1000,
        onPage: (PaymentEventIdPage) async throws -> Void
    ) async throws {
        try await walkCursor(
            from: from, until: until, pageSize: pageSize, page: getPaymentEventIdsByCursor, onPage: onPage)
    }

    /// Walks `GET /payment-events-by-cursor` (money movements by event time; unstable at
    /// PortOne) until an empty page.
    public func scanPaymentEvents(
        from: RFC3339.Timestamp?, until: RFC3339.Timestamp?, pageSize: Int = 1000,
        onPage: (CursorPage<PaymentEvent>) async throws -> Void
    ) async throws {
        try await walkCursor(
            from: from, until: until, pageSize: pageSize, page: getPaymentEventsByCursor, onPage: onPage)
    }

    /// The walk of every cursor endpoint: from the first page on, each page's last cursor asks
    /// for the next, until an empty page.
    private func walkCursor<Page: CursorPaged>(
        from: RFC3339.Timestamp?, until: RFC3339.Timestamp?, pageSize: Int,
        page: (CursorQuery) async throws(PortOneError) -> Page, onPage: (Page) async throws -> Void
    ) async throws {
        var query = CursorQuery(storeId: configuration.storeId, from: from, until: until, size: pageSize)
        while true {
            let next = try await page(query)
            guard let last = next.lastCursor else { return }
            try await onPage(next)
            query.cursor = last
        }
    }
}
