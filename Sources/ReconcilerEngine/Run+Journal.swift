import Foundation
import PortOne
import ReconcilerCore

extension Run {
    /// The reader of PortOne's journal over `window` for this run, or nil when the run does not
    /// read it (``ReconciliationEngine/Settings/readsEventsFeed``). Its ``JournalReader/walk()``
    /// runs on a task of its own while the status scan runs; ``readJournal(_:scanned:)`` takes
    /// what it gathered once the scan is done.
    func journalReader(_ window: RunWindow) -> JournalReader? {
        guard engine.settings.readsEventsFeed else { return nil }
        return JournalReader(
            client: engine.client, window: window, pageSize: engine.settings.pageSize,
            slices: engine.settings.scanParallelism, control: control)
    }

    /// Decides, fetched by id, every payment with an event in PortOne's journal over the window
    /// that the status scan did not return (ARCHITECTURE §5.4): PortOne does not promise that
    /// `statusChangedAt` moves when a second or third partial cancellation leaves a payment at
    /// PARTIAL_CANCELLED, so without the journal such a refund could be missed by every run. The
    /// journal was walked while the scan ran (`walk`, see ``JournalReader``); only now, with the
    /// scan's `scanned` complete, is it known which of its payments the scan did not return. The
    /// ids found are added to `scanned`, so the ledger's look-ups and this one never fetch a
    /// payment twice, and a payment with several events is decided once.
    ///
    /// PortOne marks the endpoint unstable: when it cannot be read after the client's retries
    /// (404, 403, a shape that cannot be read), the run goes on with the status scan, records
    /// the journal as unavailable with the reason (``RunTotals/eventsFeed``, the report's
    /// `sources`) and logs a warning.
    /// Payments found on the pages read before the failure are still decided.
    func readJournal(_ walk: JournalReader.Walk, scanned: inout PaymentIdSet) async throws(RunError) {
        try checkStop()
        if walk.stopped { throw .stopRequested }
        var revealed: [String] = []
        for id in walk.paymentIds where scanned.insert(id) { revealed.append(id) }
        let feed = walk.unavailableReason.map { EventsFeedStatus.unavailable(reason: $0) } ?? .read
        if let reason = walk.unavailableReason {
            engine.event(
                .warning, "PortOne's journal of payment events is unavailable; this run relies on the status scan",
                ["run": "\(runId)", "events_read": "\(walk.events)", "reason": reason])
        }
        totals.eventsRead = walk.events
        totals.paymentsRevealedByEvents = revealed.count
        totals.eventsFeed = feed
        engine.event(
            .info, "journal read",
            [
                "run": "\(runId)", "events": "\(walk.events)", "revealed": "\(revealed.count)",
                "feed": feed.name, "walk_s": Self.seconds(walk.elapsed),
            ])
        guard !revealed.isEmpty else { return }
        try await lookUp(revealed)
    }

    /// `duration` in seconds with two decimals (a log field).
    private static func seconds(_ duration: Duration) -> String {
        String(format: "%.2f", Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18)
    }
}
