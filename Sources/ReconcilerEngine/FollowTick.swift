import Foundation
import LedgerStore
import PortOne
import ReconcilerCore
import WireFormat

/// What the follow loop keeps in memory between ticks (the durable part is the cursor row).
public struct FollowMemory: Sendable, Equatable {
    /// Where the next status-scan fallback starts while the journal cannot be read.
    public var fallbackFrom: RFC3339.Timestamp?

    /// Fresh memory (the daemon starting).
    public init() {}
}

/// What one tick of the follow loop did (DESIGN §4.4a).
public struct FollowTickResult: Sendable {
    /// How the tick ended.
    public enum Outcome: Sendable {
        /// Nothing to decide: no new events, or only PAID events still within `follow.grace`.
        case idle
        /// Payments decided and recorded as run `runId`; the cursor moved past them.
        case decided(runId: Int64)
        /// Not done: another run holds the run lock (the next tick tries again).
        case skipped(String)
        /// A stop request ended it; the cursor stays, the next tick replays it.
        case stopped
        /// Failed; the cursor stays. The daemon goes on.
        case failed(RunFailure)
    }

    /// How it ended.
    public var outcome: Outcome = .idle
    /// Journal events read (0 while the journal is unavailable).
    public var eventsRead = 0
    /// Payments decided.
    public var paymentsDecided = 0
    /// Young PAID events left to the web app's webhook for now.
    public var deferred = 0
    /// Repairs applied.
    public var fixesApplied = 0
    /// Credits granted by those repairs.
    public var creditsGranted: Int64 = 0
    /// Credits deducted by those repairs.
    public var creditsDeducted: Int64 = 0
    /// More events wait beyond this tick's capacity: tick again at once.
    public var backlog = false
    /// Whether the journal could be read (else the tick scanned by status time).
    public var feed: EventsFeedStatus = .read
    /// Seconds between now and the time before which every journal event is decided.
    public var lagSeconds: Int64?
    /// What the next tick starts from.
    public var memory: FollowMemory
    /// Journal events read by every tick so far (from the cursor row; 0 when unknown).
    public var totalEventsRead: Int64 = 0
    /// Payments decided by every tick so far.
    public var totalPaymentsDecided: Int64 = 0
    /// Repairs applied by every tick so far.
    public var totalFixesApplied: Int64 = 0

    /// One line for logs, `STATUS=` and `status`.
    public var summary: String {
        var parts: [String] = []
        switch outcome {
        case .idle: parts.append("idle")
        case .decided(let runId): parts.append("run \(runId)")
        case .skipped(let reason): parts.append("skipped: \(reason)")
        case .stopped: parts.append("stopped on request")
        case .failed(let failure): parts.append("failed: \(failure.description)")
        }
        switch feed {
        case .read: parts.append("\(eventsRead) events")
        case .unavailable: parts.append("journal unavailable, status scan")
        }
        parts.append("\(paymentsDecided) payments decided, \(fixesApplied) repairs")
        if deferred > 0 { parts.append("\(deferred) left to the webhook") }
        if backlog { parts.append("more waiting") }
        return parts.joined(separator: ", ")
    }
}

extension ReconciliationEngine {
    /// The most journal events one tick reads (a backlog is worked off tick after tick).
    static let followMaxEventsPerTick = 5_000
    /// How far back the status-scan fallback looks when it starts.
    static let followFallbackLookback: Int64 = 300
    /// Overlap between consecutive fallback scans.
    static let followFallbackOverlap: Int64 = 5
    /// How far back the very first tick reads the journal when no run has a checkpoint yet;
    /// with one, it starts there (at most a day back): the runs cover what lies before.
    static let followFirstLookback: Int64 = 3_600

    /// The most payments one tick decides: half of `follow.maxFixesPerTick`, as a payment can
    /// need two repairs (its missed grant and its refund), so a tick of ordinary payments never
    /// trips the limit; one that still does (more repairs per payment than that) applies none.
    static func followPaymentsPerTick(_ follow: Configuration.Follow) -> Int {
        max(1, follow.maxFixesPerTick / 2)
    }

    /// One tick of the daemon's follow loop (DESIGN §4.4a): reads PortOne's journal after the
    /// durable cursor, decides the payments with new events (young PAID events excepted) as a
    /// run by payment id with trigger `follow` and the limit `follow.maxFixesPerTick` (every
    /// rule of a run: fresh fetch, row locks, decision by difference), then moves the cursor past
    /// the events whose payments were decided. While the journal cannot be read it scans
    /// `GET /payments` by status time over the last minutes instead and says so.
    ///
    /// Never throws: whatever goes wrong is in the result, the cursor stays, and the next tick
    /// tries again.
    public func followTick(memory: FollowMemory, control: RunControl = RunControl()) async -> FollowTickResult {
        var result = FollowTickResult(memory: memory)
        let now = self.now()
        let follow = settings.configuration.follow
        let session: LedgerSession
        do {
            session = try settings.database.open()
        } catch {
            result.outcome = .failed(Self.failure(error))
            return result
        }
        defer { session.close() }
        var state: FollowState
        do {
            let pending = try session.migrator.status().pending
            guard pending.isEmpty else {
                result.outcome = .failed(
                    .configuration(
                        "\(pending.count) database migration(s) pending: run credit-reconciler migrate as the owner of the app's tables"
                    ))
                return result
            }
            if let stored = try session.followCursor.load() {
                state = stored
            } else {
                let checkpoint = try session.recorder.checkpoint(Self.checkpointName)?.value
                let earliest = now.adding(nanoseconds: -86_400 * 1_000_000_000).date
                let start = checkpoint.map { max($0, earliest) }
                state = FollowState(
                    fromTime: start ?? now.adding(nanoseconds: -Self.followFirstLookback * 1_000_000_000).date)
            }
        } catch {
            result.outcome = .failed(Self.failure(error))
            return result
        }
        if control.isStopRequested {
            result.outcome = .stopped
            return result
        }

        // What to decide: from the journal, else from the status scan.
        var paymentIds: [String] = []
        var journal: (selection: FollowSelection, exhausted: Bool)?
        do {
            let (entries, exhausted) = try await readJournal(after: state, until: now, control: control)
            result.eventsRead = entries.count
            let selection = FollowSelection.select(
                entries, now: now, grace: follow.grace, maxPayments: Self.followPaymentsPerTick(follow))
            journal = (selection, exhausted)
            paymentIds = selection.paymentIds
            result.deferred = selection.deferred
            result.backlog = selection.backlog || !exhausted
            result.memory.fallbackFrom = nil
        } catch let failure as FollowJournalFailure {
            result.feed = .unavailable(reason: failure.reason)
            event(
                .warning, "PortOne's journal is unavailable; this tick follows the status scan",
                ["reason": failure.reason])
            do {
                let selection = try await scanRecentPayments(memory: memory, now: now, follow: follow)
                paymentIds = selection.paymentIds
                result.deferred = selection.deferred
                result.backlog = selection.backlog
                result.memory.fallbackFrom = selection.nextFrom.adding(
                    nanoseconds: -Self.followFallbackOverlap * 1_000_000_000)
            } catch {
                result.outcome = .failed(Self.failure(error))
                save(&state, &result, session: session, now: now)
                return result
            }
        } catch {
            result.outcome = .stopped
            return result
        }

        if !paymentIds.isEmpty {
            if control.isStopRequested {
                result.outcome = .stopped
                return result
            }
            let request = RunRequest(
                trigger: .follow, paymentIds: paymentIds, maxFixesOverride: follow.maxFixesPerTick)
            do {
                let run = try await self.run(request, control: control)
                if run.outcome == .aborted {
                    result.outcome = .stopped
                    return result
                }
                result.outcome = .decided(runId: run.runId)
                result.paymentsDecided = paymentIds.count
                result.fixesApplied = run.totals.fixesApplied
                result.creditsGranted = run.totals.creditsGranted
                result.creditsDeducted = run.totals.creditsDeducted
                state.lastTickRunId = run.runId
            } catch {
                if case .lockHeld = error {
                    result.outcome = .skipped("a run holds the run lock")
                } else {
                    result.outcome = .failed(error)
                }
                save(&state, &result, session: session, now: now)
                return result
            }
        }
        // Decided and recorded: the cursor moves past what this tick decided.
        if let (selection, exhausted) = journal {
            if let cursor = selection.cursor { state.cursor = cursor }
            if let passed = selection.lastPassedAt {
                state.lastEventAt = passed.date
                state.fromTime = passed.date
            }
            let caughtUpTo = selection.firstPendingAt ?? (exhausted ? now : selection.lastPassedAt)
            if let caughtUpTo { state.caughtUpTo = caughtUpTo.date }
        }
        save(&state, &result, session: session, now: now)
        return result
    }

    /// Writes the tick's state; a failure is logged (the next tick replays this one).
    private func save(
        _ state: inout FollowState, _ result: inout FollowTickResult, session: LedgerSession, now: RFC3339.Timestamp
    ) {
        state.feed = result.feed
        state.lastTickAt = now.date
        state.lastTickResult = result.summary
        state.eventsRead += Int64(result.eventsRead)
        state.paymentsDecided += Int64(result.paymentsDecided)
        state.fixesApplied += Int64(result.fixesApplied)
        if let caughtUpTo = state.caughtUpTo {
            result.lagSeconds = max(0, RFC3339.Timestamp(caughtUpTo).nanoseconds(to: now) / 1_000_000_000)
        }
        result.totalEventsRead = state.eventsRead
        result.totalPaymentsDecided = state.paymentsDecided
        result.totalFixesApplied = state.fixesApplied
        do {
            try session.followCursor.save(state)
        } catch {
            event(
                .error, "the follow loop's cursor was not saved; the next tick replays this one",
                ["error": "\(error)"])
        }
    }

    /// Reads the journal after the stored cursor up to `until`, at most
    /// `followMaxEventsPerTick` events; `exhausted` when it read to the end.
    private func readJournal(after state: FollowState, until: RFC3339.Timestamp, control: RunControl) async throws
        -> (entries: [FollowSelection.Entry], exhausted: Bool)
    {
        var entries: [FollowSelection.Entry] = []
        var query = CursorQuery(
            storeId: settings.storeId, from: RFC3339.Timestamp(state.fromTime), until: until, cursor: state.cursor,
            size: min(1000, settings.pageSize))
        while entries.count < Self.followMaxEventsPerTick {
            if control.isStopRequested { throw CancellationError() }
            let page: CursorPage<PaymentEvent>
            do {
                page = try await client.getPaymentEventsByCursor(query)
            } catch {
                throw FollowJournalFailure(reason: "\(error)")
            }
            for (item, cursor) in page.items {
                switch item {
                case .success(let event):
                    let kind: FollowSelection.Entry.Kind
                    switch event.kind {
                    case .paid: kind = .paid
                    case .partialCancelled, .cancelled: kind = .cancellation
                    case .unknown: kind = .other
                    }
                    entries.append(
                        FollowSelection.Entry(
                            paymentId: event.paymentId, kind: kind, createdAt: event.createdAt, cursor: cursor))
                case .failure(let failure):
                    entries.append(
                        FollowSelection.Entry(
                            paymentId: failure.paymentId ?? "", kind: .other, createdAt: nil, cursor: cursor))
                }
            }
            guard let last = page.lastCursor, page.items.count >= query.size else { return (entries, true) }
            query.cursor = last
        }
        return (entries, false)
    }

    /// The fallback: payments whose status changed since the last fallback scan (at most
    /// `followFallbackLookback` back), by `GET /payments` (STATUS_CHANGED_AT).
    private func scanRecentPayments(memory: FollowMemory, now: RFC3339.Timestamp, follow: Configuration.Follow)
        async throws(PortOneError) -> FollowScanSelection
    {
        let earliest = now.adding(nanoseconds: -Self.followFallbackLookback * 1_000_000_000)
        let from = max(memory.fallbackFrom ?? earliest, earliest)
        var entries: [FollowScanSelection.Entry] = []
        var page = 0
        while page * 1000 < Self.followMaxEventsPerTick {
            let result = try await client.getPayments(
                PaymentListQuery(
                    storeId: settings.storeId, timestampType: .statusChangedAt, from: from, until: now,
                    sortBy: .statusChangedAt, sortOrder: .ascending, pageNumber: page, pageSize: 1000))
            for item in result.items {
                guard case .success(let payment) = item else {
                    if case .failure(let failure) = item, let id = failure.paymentId {
                        entries.append(
                            FollowScanSelection.Entry(
                                paymentId: id, isPaidOnly: false, paidAt: nil, statusChangedAt: from))
                    }
                    continue
                }
                entries.append(
                    FollowScanSelection.Entry(
                        paymentId: payment.id, isPaidOnly: payment.status == .paid && payment.cancellations.isEmpty,
                        paidAt: payment.paidAt, statusChangedAt: payment.statusChangedAt))
            }
            if result.items.count < 1000 { break }
            page += 1
        }
        return FollowScanSelection.select(
            entries, until: now, now: now, grace: follow.grace, maxPayments: Self.followPaymentsPerTick(follow))
    }
}

/// The journal could not be read (after the client's retries).
struct FollowJournalFailure: Error {
    /// Why, without secrets.
    var reason: String
}

/// Where the follow loop stands, as `status` shows it (the cursor row of LedgerStore).
public typealias FollowStatus = FollowState
