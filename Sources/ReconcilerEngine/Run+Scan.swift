import Foundation
import LedgerStore
import PortOne
import ReconcilerCore

extension Run {
    /// Scans every payment whose status changed in the window (or, for `--full`, that was created
    /// in it), deciding page by page so memory stays flat however many payments there are.
    /// Returns the ids PortOne handed over (16 bytes each), for ``lookUpLedgerPayments(_:scanned:)``.
    func scan(_ window: RunWindow) async throws(RunError) -> PaymentIdSet {
        let options = PaymentScanOptions(
            timestampType: request.full ? .createdAt : .statusChangedAt, pageSize: engine.settings.pageSize,
            parallelism: engine.settings.scanParallelism)
        var pages = 0
        try checkStop()
        guard let readAhead else { preconditionFailure("a window run opens its read-ahead connection first") }
        // One page waits while the next page's ledger rows are read: the reads of page N+1
        // overlap the decisions and discrepancy writes of page N.
        var waiting: WaitingPage?
        let summary: PaymentScanSummary
        do {
            summary = try await engine.client.scanPayments(from: window.from, until: window.until, options: options) {
                page in
                try self.handle(page, readAhead: readAhead, waiting: &waiting, pages: &pages)
            }
        } catch {
            // The scan has no typed error: it throws PortOne's, or what the page handler threw (the run's).
            throw RunError(untyped: error)
        }
        if let last = waiting { try decide(last.payments, unparseable: last.failures, readAhead: last.reads) }
        engine.event(
            .info, "scan done",
            [
                "run": "\(runId)", "pages": "\(summary.pagesFetched)", "payments": "\(summary.paymentsDelivered)",
                "duplicates_skipped": "\(summary.duplicatesSkipped)", "in_order_by_summary": "\(decidedBySummary)",
            ])
        // The client's set of handed-over ids, instead of a second set of a million ids.
        return summary.seen
    }

    /// A scan page waiting for its decisions while the next page's ledger rows are read.
    typealias WaitingPage = (
        payments: [PaymentFacts], failures: [PaymentDecodingFailure], reads: PageReadAhead.Pending?
    )

    /// Handles one scan page: starts reading its ledger rows and decides the page before it.
    private func handle(
        _ page: PaymentScanPage, readAhead: PageReadAhead, waiting: inout WaitingPage?, pages: inout Int
    ) throws(RunError) {
        try checkStop()
        var payments: [PaymentFacts] = []
        var failures: [PaymentDecodingFailure] = []
        payments.reserveCapacity(page.items.count)
        for item in page.items {
            switch item {
            case .success(let payment):
                payments.append(payment.facts)
            case .failure(let failure):
                failures.append(failure)
            }
        }
        let (configuration, storeId, now) = (configuration, engine.settings.storeId, decisionTime)
        // Set-based: the page's ledger summed in one statement; rows and accounts only for the
        // payments that are not plainly in order.
        let reads =
            payments.isEmpty
            ? nil
            : readAhead.start(payments: payments) { payment, summary in
                Reconciler.decideClean(
                    payment: payment, summary: summary, configuration: configuration, storeId: storeId, now: now)
            }
        if let previous = waiting {
            try decide(previous.payments, unparseable: previous.failures, readAhead: previous.reads)
        }
        waiting = (payments, failures, reads)
        pages += 1
        pagesScanned += 1
        reportProgress(.scanning)
        if pages % 100 == 0 {
            engine.event(
                .info, "scanning",
                [
                    "run": "\(runId)", "pages": "\(pages)", "payments": "\(totals.paymentsScanned)",
                    "to_repair": "\(queuedCount)",
                ])
        }
    }

    /// Looks up, one by one, every payment the ledger mentions in the window that the scan did
    /// not return (late cancellations of old payments, payments PortOne no longer knows).
    /// `scanned` is consumed: the ids are released before the look-ups start.
    func lookUpLedgerPayments(_ window: RunWindow, scanned: consuming PaymentIdSet) async throws(RunError) {
        var missing: [String] = []
        let scan = try ledgerPaymentIds(window, notIn: scanned) { missing += $0 }
        _ = consume scanned
        totals.ledgerRowsScanned += scan.rows
        guard !missing.isEmpty else { return }
        engine.event(
            .info, "looking up ledger payments the scan did not return",
            ["run": "\(runId)", "payments": "\(missing.count)"])
        try await lookUp(missing)
    }

    /// The ledger's payment ids of `window` not in `scanned`, a page at a time (see
    /// `LedgerReader.paymentIds(createdFrom:until:pageSize:excluding:_:)`).
    private func ledgerPaymentIds(
        _ window: RunWindow, notIn scanned: borrowing PaymentIdSet, _ body: ([String]) -> Void
    ) throws(RunError) -> LedgerWindowScan {
        try database(
            "window",
            try reader.paymentIds(
                createdFrom: window.from.date, until: window.until.date, excluding: { scanned.contains($0) }, body))
    }

    /// Fetches `ids` by id, a few at a time, and decides them in batches.
    func lookUp(_ ids: [String]) async throws(RunError) {
        let client = engine.client
        let width = max(1, engine.settings.lookupParallelism)
        for start in stride(from: 0, to: ids.count, by: 100) {
            try checkStop()
            let batch = Array(ids[start..<min(start + 100, ids.count)])
            let answers = try await Self.fetch(batch, client: client, width: width) { () throws(RunError) in
                try self.checkStop()
            }
            var found: [PaymentFacts] = []
            var failures: [PaymentDecodingFailure] = []
            var notFound: [String] = []
            for (id, answer) in zip(batch, answers) {
                totals.paymentsLookedUp += 1
                switch answer {
                case .found(let payment): found.append(payment.facts)
                case .notFound: notFound.append(id)
                case .undecodable(let failure):
                    failures.append(PaymentDecodingFailure(paymentId: failure.paymentId ?? id, reason: failure.reason))
                }
            }
            try decide(found, unparseable: failures)
            try decideOrphans(notFound)
            reportProgress(.lookingUp)
        }
    }

    /// Fetches `ids` by id, `width` at a time; the answers in `ids` order. `check` runs after
    /// each answer (a stop request ends the fetch).
    static func fetch(
        _ ids: [String], client: PortOneClient, width: Int, check: () throws(RunError) -> Void = {}
    ) async throws(RunError) -> [PaymentLookup] {
        do {
            return try await fetchUntyped(ids, client: client, width: width, check: check)
        } catch {
            // A task group has no typed error: it throws PortOne's, or what `check` threw (the run's).
            throw RunError(untyped: error)
        }
    }

    private static func fetchUntyped(
        _ ids: [String], client: PortOneClient, width: Int, check: () throws(RunError) -> Void
    ) async throws -> [PaymentLookup] {
        try await withThrowingTaskGroup(of: (Int, PaymentLookup).self) { group in
            var answers = [PaymentLookup?](repeating: nil, count: ids.count)
            var next = 0
            while next < min(max(1, width), ids.count) {
                let index = next
                group.addTask { (index, try await client.getPayment(id: ids[index])) }
                next += 1
            }
            while let (index, answer) = try await group.next() {
                answers[index] = answer
                try check()
                if next < ids.count {
                    let index = next
                    group.addTask { (index, try await client.getPayment(id: ids[index])) }
                    next += 1
                }
            }
            return answers.compactMap { $0 }
        }
    }

    /// Ledger payments PortOne answers 404 for: a PURCHASE for them is an orphan grant.
    func decideOrphans(_ ids: [String]) throws(RunError) {
        guard !ids.isEmpty else { return }
        let ledger = try store(try reader.entries(forPaymentIds: ids))
        totals.ledgerRowsScanned += ledger.values.reduce(0) { $0 + $1.count }
        var records: [DiscrepancyRecord] = []
        var examined: [String] = []
        for id in ids {
            totals.classifications["notFound", default: 0] += 1
            if let orphan = Reconciler.decideOrphan(paymentId: id, ledger: ledger[id] ?? []) {
                records.append(orphan.record(evidence: nil))
            }
            examined.append(id)
        }
        try record(records)
        try closeGone(paymentIds: examined, userIds: [])
    }
}
