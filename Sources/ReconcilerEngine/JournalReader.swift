import PortOne
import ReconcilerCore
import WireFormat

/// Walks PortOne's journal of money movements (`GET /payment-events-by-cursor`) over a run's
/// window on a task of its own, while the status scan runs (ARCHITECTURE §5.4): it keeps only
/// the payment ids and the number of events, and touches nothing of the run, so it needs no
/// more than the client (whose HTTP workers take several requests at once) and the run's stop
/// control. The run decides what the scan did not return once both are done
/// (`Run.readJournal(_:scanned:)`).
struct JournalReader: Sendable {
    /// What a walk gathered.
    struct Walk: Sendable {
        /// The payment id of every event read, in journal order, repeats kept.
        var paymentIds = PaymentIdList()
        /// Events read (with or without a readable payment id).
        var events = 0
        /// Why the journal could not be read (after the client's retries); nil when it was read
        /// to its end. The ids of the pages read before are kept.
        var unavailableReason: String?
        /// The walk stopped early on the run's stop request.
        var stopped = false
        /// The walk's wall time.
        var elapsed: Duration = .zero
    }

    /// The client the walk's requests go through.
    let client: PortOneClient
    /// The run's window.
    let window: RunWindow
    /// Events per page.
    let pageSize: Int
    /// Consecutive slices of the window walked at once, each with its own cursor (like the
    /// status scan's): against a PortOne a round trip away, one cursor walked page after page
    /// would take longer than the scan.
    let slices: Int
    /// The run's stop request, checked between pages.
    let control: RunControl

    /// Reads the journal over the window to its end, a failure, or a stop request. A slice that
    /// fails does not stop the others: what they read is still decided.
    func walk() async -> Walk {
        let clock = ContinuousClock()
        let start = clock.now
        var walk = Walk()
        await withTaskGroup(of: Walk.self) { group in
            for slice in KeysetCursor.slices(from: window.from, until: window.until, count: slices) {
                group.addTask { await walkSlice(from: slice.from, until: slice.until) }
            }
            for await part in group {
                walk.paymentIds.append(contentsOf: part.paymentIds)
                walk.events += part.events
                walk.unavailableReason = walk.unavailableReason ?? part.unavailableReason
                walk.stopped = walk.stopped || part.stopped
            }
        }
        walk.elapsed = clock.now - start
        return walk
    }

    /// Reads the journal over `[from, until)` with one cursor.
    private func walkSlice(from: RFC3339.Timestamp, until: RFC3339.Timestamp) async -> Walk {
        var walk = Walk()
        do {
            if control.isStopRequested { throw RunError.stopRequested }
            try await client.scanPaymentEventIds(from: from, until: until, pageSize: pageSize) { page in
                if control.isStopRequested { throw RunError.stopRequested }
                walk.events += page.paymentIds.count
                for case let id? in page.paymentIds where !id.isEmpty { walk.paymentIds.append(id) }
            }
        } catch RunError.stopRequested {
            walk.stopped = true
        } catch {
            walk.unavailableReason = "\(error)"
        }
        return walk
    }
}
