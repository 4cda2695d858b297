import PortOne
import ReconcilerCore

extension Run {
    /// Reads PortOne's journal of money movements over the window and decides, fetched by id,
    /// every payment with an event there that the status scan did not return (ARCHITECTURE
    /// §5.4): PortOne does not promise that `statusChangedAt` moves when a second or third
    /// partial cancellation leaves a payment at PARTIAL_CANCELLED, so without the journal such
    /// a refund could be missed by every run. The ids found are added to `scanned`, so the
    /// ledger's look-ups and this one never fetch a payment twice, and a payment with several
    /// events is decided once.
    ///
    /// PortOne marks the endpoint unstable: when it cannot be read after the client's retries
    /// (404, 403, a shape that cannot be read), the run goes on with the status scan, records
    /// the journal as unavailable with the reason (``RunTotals/eventsFeed``, the report's
    /// `sources`) and logs a warning.
    /// Payments found on the pages read before the failure are still decided.
    func readJournal(_ window: RunWindow, scanned: inout PaymentIdSet) async throws(RunError) {
        try checkStop()
        var revealed: [String] = []
        var events = 0
        var feed = EventsFeedStatus.read
        do {
            try await engine.client.scanPaymentEvents(
                from: window.from, until: window.until, pageSize: engine.settings.pageSize
            ) { page in
                try self.checkStop()
                for (item, _) in page.items {
                    events += 1
                    let paymentId: String?
                    switch item {
                    case .success(let event): paymentId = event.paymentId
                    case .failure(let failure): paymentId = failure.paymentId
                    }
                    if let paymentId, !paymentId.isEmpty, scanned.insert(paymentId) { revealed.append(paymentId) }
                }
            }
        } catch let stop as RunError {
            throw stop
        } catch {
            let reason = "\(error)"
            feed = .unavailable(reason: reason)
            engine.event(
                .warning, "PortOne's journal of payment events is unavailable; this run relies on the status scan",
                ["run": "\(runId)", "events_read": "\(events)", "reason": reason])
        }
        totals.eventsRead = events
        totals.paymentsRevealedByEvents = revealed.count
        totals.eventsFeed = feed
        engine.event(
            .info, "journal read",
            [
                "run": "\(runId)", "events": "\(events)", "revealed": "\(revealed.count)",
                "feed": feed.name,
            ])
        guard !revealed.isEmpty else { return }
        try await lookUp(revealed)
    }
}
