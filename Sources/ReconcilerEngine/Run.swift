import Foundation
import LedgerStore
import PortOne
import ReconcilerCore
import Reports
import WireFormat

/// The state of one run in progress. Owns its ledger sessions (database connections): one holds
/// the run lock and the run record, one does the ledger work, and for a window run one reads
/// ahead (``PageReadAhead``).
final class Run {
    let engine: ReconciliationEngine
    let request: RunRequest
    let configuration: Configuration
    let lockSession: LedgerSession
    let workSession: LedgerSession
    let recorder: RunRecorder
    let reader: LedgerReader
    let discrepancies: DiscrepancyStore
    /// Reads the next scan page's ledger rows while the current page is decided (window runs).
    var readAhead: PageReadAhead?
    var handle: RunHandle?
    var window: RunWindow?
    var totals = RunTotals()
    /// Payments with repairs to apply, on their way to `repairQueue` (written a page at a time).
    var pendingBuffer: [PendingUnit] = []
    /// Payments handed to the queue so far.
    var queuedTotal = 0
    /// Queue writes in progress on the read-ahead connection.
    var queueWrites: [PageReadAhead.Ticket<Duration>] = []
    /// Where the payments to repair wait until the scan is over (`reconciler.run_repair`).
    lazy var repairQueue = workSession.repairQueue(runId: runId)
    /// The queued repairs, counted for the run's limits as they are queued.
    var limits: FixLimits.Tally
    var planned: [Repair] = []
    /// The repairs a dry run or a run over its limits stores as a plan (DESIGN §4.6).
    var planRepairs: [PlannedRepair] = []
    /// The plan this run stored, or the plan it applied.
    var plan: StoredPlan?
    /// For a `plan apply` run: the plan's repairs by payment; a fresh decision must equal them.
    var planGuard: [String: [PlannedRepair]]?
    /// For a `plan apply` run: payments whose fresh decision differs from the plan.
    var planChanged = Set<String>()
    /// Repaired payments to check against the ledger once the repairs are written (DESIGN §4.7).
    var closurePending: [String: ClosureExpectation] = [:]
    /// Discrepancies first opened by this run (a discrepancy can be recorded twice in one run).
    var newDiscrepancyIds = Set<Int64>()
    let decisionTime: RFC3339.Timestamp
    /// What the run read of PortOne's journal, for the report: nil until a window run read it.
    var sources: RunReport.Sources? {
        totals.eventsFeed.map {
            RunReport.Sources(
                eventsFeed: $0, eventsRead: totals.eventsRead, paymentsRevealed: totals.paymentsRevealedByEvents,
                followLoop: followLoop)
        }
    }
    /// Where the daemon's follow loop stood when this window run ended (nil without a daemon).
    var followLoop: RunReport.Sources.FollowLoop?
    /// The stop request and progress callback of this run.
    var control = RunControl()
    /// Scan pages handled so far (for progress).
    var pagesScanned = 0
    /// Payments of the scan decided in order from their ledger's summary (no rows, no account read).
    var decidedBySummary = 0
    /// What the report needs beyond the counts, gathered while deciding.
    var tally: ReportTally
    /// Open discrepancies by kind and severity after the run.
    var openCounts: [OpenDiscrepancyCount] = []
    /// The report document to notify about once the run is recorded.
    var notification: JSONValue?
    /// The report e-mail the outbox could not keep, sent once by `sendReportMail`.
    var unqueuedMail: MailMessage?
    /// Time spent in the pure core's decisions so far.
    var decideTime: Duration = .zero
    /// Wall time of the repair phase.
    var applyTime: Duration = .zero
    /// Statement time on the work connection by purpose (see `RunTimings.databaseBy`).
    var databaseBy: [String: Duration] = [:]
    /// The client's decoding time when the run started (the client may serve several runs).
    let decodingAtStart: Duration
    /// Measures the work phases.
    let clock = ContinuousClock()

    init(engine: ReconciliationEngine, request: RunRequest) throws(LedgerStoreError) {
        self.engine = engine
        self.request = request
        var configuration = engine.settings.configuration
        // A tick of the follow loop decides at once: the young PAID events it leaves to the web
        // app's webhook are left out by `follow.grace` before the tick (FollowSelection), and a
        // refund has no webhook to wait for. Its cursor passes what it decided.
        if request.trigger == .follow { configuration.policy.settleDelay = 0 }
        self.configuration = configuration
        self.decisionTime = engine.now()
        self.decodingAtStart = engine.client.counters.decodingTime
        self.tally = ReportTally(window: nil, catalog: engine.settings.configuration.catalog)
        self.limits = FixLimits.Tally(maxCreditsPerFix: engine.settings.configuration.policy.maxCreditsPerFix)
        let database = engine.settings.database
        lockSession = try database.open()
        do {
            workSession = try database.open()
        } catch {
            lockSession.close()
            throw error
        }
        if request.paymentIds.isEmpty {
            do {
                readAhead = try PageReadAhead(database: database)
            } catch {
                workSession.close()
                lockSession.close()
                throw error
            }
        }
        recorder = lockSession.recorder
        reader = workSession.reader
        discrepancies = workSession.discrepancies
    }

    func close() {
        readAhead?.close()
        workSession.close()
        lockSession.close()
    }

    var runId: Int64 { handle?.runId ?? 0 }

    func execute() async throws(RunError) -> RunResult {
        // A new version may need tables an old database lacks (0006's repair queue): say so
        // before anything is written, not halfway through the run.
        let pending = try store(try workSession.migrator.status()).pending
        if !pending.isEmpty {
            throw .failure(
                .configuration(
                    "\(pending.count) database migration(s) pending (\(pending.map(\.fileName).joined(separator: ", "))): "
                        + "run credit-reconciler migrate as the owner of the app's tables, then run again"))
        }
        let byId = !request.paymentIds.isEmpty
        if !byId {
            let checkpoint = try store(try recorder.checkpoint(ReconciliationEngine.checkpointName))
            do {
                window = try RunWindow.compute(
                    checkpoint: checkpoint.map { RFC3339.Timestamp($0.value) }, now: decisionTime,
                    policy: configuration.policy, since: request.since, until: request.until, full: request.full,
                    fullLookback: engine.settings.fullLookback)
            } catch {
                throw .window(error)
            }
            tally = ReportTally(window: window, catalog: configuration.catalog)
        }
        handle = try store(
            try recorder.begin(
                RunStart(
                    trigger: request.trigger, mode: request.dryRun ? .dryRun : .apply, fullSweep: request.full,
                    paymentIds: byId ? request.paymentIds : nil, windowFrom: window?.from.date,
                    windowUntil: window?.until.date, version: ProductVersion.version)))
        try database("queue", try repairQueue.begin())
        if let planId = request.planId { try beginPlanApply(planId) }
        if let abandoned = handle?.abandonedRunIds, !abandoned.isEmpty {
            engine.event(
                .warning, "marked runs abandoned: their process ended without finishing",
                ["runs": abandoned.map(String.init).joined(separator: ",")])
        }
        let mode = (request.dryRun ? RunMode.dryRun : .apply).rawValue
        if let window {
            engine.event(
                .notice, "run started",
                [
                    "run": "\(runId)", "trigger": request.trigger.rawValue, "mode": mode,
                    "from": RFC3339.format(window.from), "until": RFC3339.format(window.until),
                    "origin": window.origin.rawValue,
                ])
            // PortOne's journal is walked on a task of its own while the status scan runs; what
            // the scan did not return of it is decided once both are done (Run+Journal).
            let journalReader = journalReader(window)
            async let journal = journalReader?.walk()
            var scanned = try await scan(window)
            if let walk = await journal { try await readJournal(walk, scanned: &scanned) }
            ProcessMemory.releaseFreed()
            try await lookUpLedgerPayments(window, scanned: scanned)
        } else {
            engine.event(
                .notice, "run started",
                [
                    "run": "\(runId)", "trigger": request.trigger.rawValue, "mode": mode,
                    "payments": "\(request.paymentIds.count)",
                ])
            try await lookUp(request.paymentIds)
        }
        let applyStart = clock.now
        try await applyRepairs()
        try checkClosure()
        applyTime = clock.now - applyStart
        if let planId = request.planId {
            plan = try store(try workSession.plans.finishApply(id: planId, runId: runId))
        }
        // A tick of the follow loop leaves the balance audit (a pass over the whole ledger) to the runs.
        if request.trigger != .follow { try auditBalances() }
        openCounts = try store(try discrepancies.openCounts())
        totals.discrepanciesOpen = openCounts.reduce(0) { $0 + $1.count }
        snapshotCounters()
        if let window, !request.dryRun {
            _ = try store(
                try recorder.advanceCheckpoint(ReconciliationEngine.checkpointName, to: window.until.date, runId: runId)
            )
        }
        if window != nil, let state = try? workSession.followCursor.load() {
            // Said in the report: a follow loop that fell back to the status scan between runs.
            followLoop = RunReport.Sources.FollowLoop(
                eventsFeed: state.feed, lastTickAt: state.lastTickAt, caughtUpTo: state.caughtUpTo)
        }
        let report = buildReport(status: .succeeded, error: nil)
        let streams = try store(try reportStreams())
        try store(try record(report, outcome: .succeeded, error: nil, streams: streams, runId: runId))
        endQueue()
        ProcessMemory.releaseFreed()
        engine.event(
            .notice, "run succeeded",
            [
                "run": "\(runId)", "payments": "\(totals.paymentsScanned)", "fixes_applied": "\(totals.fixesApplied)",
                "fixes_planned": "\(totals.fixesPlanned)", "credits_granted": "\(totals.creditsGranted)",
                "credits_deducted": "\(totals.creditsDeducted)", "discrepancies_new": "\(totals.discrepanciesNew)",
                "discrepancies_open": "\(totals.discrepanciesOpen)",
            ])
        return RunResult(
            runId: runId, outcome: .succeeded, window: window, totals: totals, plannedRepairs: planned,
            timings: timings,
            plan: plan, planChanged: planChanged.sorted())
    }

    /// Where the run's time went so far.
    var timings: RunTimings {
        var timings = RunTimings()
        timings.decoding = engine.client.counters.decodingTime - decodingAtStart
        timings.deciding = decideTime
        timings.applying = applyTime
        timings.databaseBy = databaseBy
        timings.database =
            lockSession.timeInStatements + workSession.timeInStatements + (readAhead?.counters.time ?? .zero)
        return timings
    }

    /// Records the run as failed, if it was started and the database still answers.
    func recordFailure(_ failure: RunFailure) {
        guard let handle else { return }
        if case .lockHeld = failure { return }
        snapshotCounters()
        defer { endQueue() }
        do {
            // Its entries are read now, not while the report is stored: the database may be why the run failed.
            let built = buildReport(status: .failed, error: failure.description)
            let report = withEntries(built.report)
            try record(
                (report, built.finishedAt), outcome: .failed, error: failure.description, streams: nil,
                runId: handle.runId)
        } catch {
            engine.event(
                .error, "run could not be recorded as failed; the next run marks it abandoned",
                ["run": "\(handle.runId)", "error": "\(error)"])
        }
        engine.event(.error, "run failed", ["run": "\(handle.runId)", "error": failure.description])
    }

    /// Copies the API and SQL counters into the totals.
    func snapshotCounters() {
        totals.apiRequests = engine.client.counters.snapshot().reduce(into: [:]) { $0[$1.outcome.rawValue] = $1.count }
        totals.sqlStatements =
            lockSession.statementsExecuted + workSession.statementsExecuted + (readAhead?.counters.statements ?? 0)
    }

    // MARK: Deciding

    /// Decides a batch of payments PortOne returned, records what it found, and queues repairs.
    /// Their ledger rows and accounts come from `readAhead` when the scan started reading them
    /// already, else they are read here on the work connection.
    func decide(
        _ payments: [PaymentFacts], unparseable: [PaymentDecodingFailure] = [],
        readAhead reads: PageReadAhead.Pending? = nil
    ) throws(RunError) {
        var records = unparseable.map { failure in
            Reconciler.unparseable(paymentId: failure.paymentId, reason: failure.reason).record(evidence: nil)
        }
        totals.unparseablePayments += unparseable.count
        totals.paymentsScanned += payments.count
        guard !payments.isEmpty else {
            try record(records)
            return
        }
        let ledger: [String: [LedgerEntry]]
        let accounts: [String: UserAccount]
        var clean: [String: PaymentOutcome] = [:]
        var summaries: [String: LedgerSummary] = [:]
        if let reads {
            let read = try store(try reads.wait())
            databaseBy["ledger", default: .zero] += read.ledgerTime
            databaseBy["accounts", default: .zero] += read.accountsTime
            (ledger, accounts, clean, summaries) = (read.ledger, read.accounts, read.clean, read.summaries)
        } else {
            ledger = try database("ledger", try reader.entries(forPaymentIds: payments.map(\.id)))
            let userIds = Set(payments.compactMap(Reconciler.userId(for:)))
            accounts = try database("accounts", try reader.accounts(userIds: Array(userIds)))
        }
        totals.ledgerRowsScanned +=
            summaries.isEmpty
            ? ledger.values.reduce(0) { $0 + $1.count } : summaries.values.reduce(0) { $0 + $1.rows }
        var examined: [String] = []
        let decideStart = clock.now
        for payment in payments {
            if let outcome = clean[payment.id] {
                // In order by its ledger's summary: counted like any decision; an open
                // discrepancy that names it is closed, as for a payment decided row by row.
                decidedBySummary += 1
                count(outcome)
                _ = tally.observe(payment, outcome, email: nil, redecided: false)
                if summaries[payment.id]?.hasOpenDiscrepancy == true, outcome.isConclusive {
                    examined.append(payment.id)
                }
                if let unexplained = close(outcome) { records.append(unexplained.record(evidence: payment)) }
                continue
            }
            let outcome = Reconciler.decide(
                payment: payment, ledger: ledger[payment.id] ?? [], users: accounts, configuration: configuration,
                storeId: engine.settings.storeId, now: decisionTime)
            count(outcome)
            let email = outcome.userId.flatMap { accounts[$0]?.email }
            let deferred = tally.observe(
                payment, outcome, email: email,
                redecided: !request.dryRun && !outcome.applicable.isEmpty && outcome.userId != nil)
            let found = outcome.discrepancies.map { $0.record(evidence: payment) }
            planned += outcome.plannedOnly
            if !outcome.applicable.isEmpty, let userId = outcome.userId {
                // Decided again on fresh data before the repair; that decision's findings count.
                limits.add(outcome.repairs)
                pendingBuffer.append(
                    PendingUnit(
                        paymentId: payment.id, userId: userId, repairs: outcome.repairs, discrepancies: found,
                        payment: deferred?.payment, email: deferred == nil ? nil : email, paidDay: deferred?.paidDay,
                        gap: deferred?.gap,
                        facts: PlanFacts(
                            payment: payment, ledger: ledger[payment.id] ?? [], balance: accounts[userId]?.balance)))
            } else {
                records += found
                if outcome.isConclusive { examined.append(payment.id) }
                if let unexplained = close(outcome) { records.append(unexplained.record(evidence: payment)) }
            }
        }
        decideTime += clock.now - decideStart
        try record(records)
        try closeGone(paymentIds: examined, userIds: [])
        if pendingBuffer.count >= 1_000 { try flushPending() }
    }

    /// Writes the buffered payments to repair to the queue: on the read-ahead connection during a
    /// window run (overlapping the decisions, like the page reads), else on the work connection.
    /// A write that failed fails the run here, at the next flush or at ``finishQueueWrites()``.
    func flushPending() throws(RunError) {
        guard !pendingBuffer.isEmpty else { return }
        let units = pendingBuffer
        let (runId, firstSeq) = (runId, Int32(queuedTotal))
        queuedTotal += units.count
        pendingBuffer = []
        guard let readAhead else {
            try database(
                "queue", try workSession.appendToRepairQueue(units.map(\.queueItem), runId: runId, firstSeq: firstSeq))
            return
        }
        var open: [PageReadAhead.Ticket<Duration>] = []
        for write in queueWrites {
            if try store(try write.isDone()) {
                databaseBy["queue", default: .zero] += try store(try write.wait())
            } else {
                open.append(write)
            }
        }
        open.append(
            readAhead.perform { (session) throws(LedgerStoreError) in
                // Written out on that thread too: the decisions go on meanwhile.
                try session.appendToRepairQueue(units.map(\.queueItem), runId: runId, firstSeq: firstSeq)
            })
        queueWrites = open
    }

    /// Writes what is buffered and waits for every queue write (before the queue is read).
    func finishQueueWrites() throws(RunError) {
        try flushPending()
        for write in queueWrites { databaseBy["queue", default: .zero] += try store(try write.wait()) }
        queueWrites = []
    }

    /// Payments queued for repair so far.
    var queuedCount: Int { queuedTotal + pendingBuffer.count }

    /// Deletes the run's queue; a failure is left to the next run, which deletes it anyway.
    func endQueue() {
        guard handle != nil else { return }
        // A write still in flight (a failed run) would land after the delete.
        for write in queueWrites { _ = try? write.wait() }
        queueWrites = []
        do {
            try repairQueue.end()
        } catch {
            engine.event(
                .warning, "the run's repair queue was not emptied; the next run empties it",
                ["run": "\(runId)", "error": "\(error)"])
        }
    }

    /// Checks users' balances against the sums of their transactions (`BALANCE_DRIFT`) and
    /// closes the drifts that are gone: every user in a `--full` run and in the first run that
    /// audits at all; else the users with ledger rows in the window or written by the run, those
    /// whose drift is open, and the balance audit slice audited longest ago (``auditSlice()``),
    /// so every user is audited at least once in `policy.balanceAuditRuns` runs while a run
    /// reads what its window and one slice hold, not the whole ledger.
    func auditBalances() throws(RunError) {
        let previouslyOpen = try store(
            try discrepancies.list(status: .open, kind: DiscrepancyKind.balanceDrift.rawValue))
        let drifts: [BalanceTotals]
        let (slice, slices, firstEver) = try auditSlice()
        if request.full || firstEver {
            drifts = try database("audit", try reader.balanceDrifts())
            // The first audit counts for every slice; `--full` leaves the rotation as it was.
            if firstEver && !request.dryRun {
                try store(
                    try recorder.markCheckpoints((0..<slices).map { Self.auditSliceName($0, of: slices) }, runId: runId)
                )
            }
            engine.event(.info, "balance audit", ["run": "\(runId)", "users": "all", "drifts": "\(drifts.count)"])
        } else {
            let since = min(window?.from.date ?? .distantFuture, handle?.startedAt ?? engine.now().date)
            drifts = try database(
                "audit",
                try reader.balanceDrifts(
                    touchedSince: since, userIds: previouslyOpen.compactMap(\.userId), slice: slice, of: slices))
            // The slice is audited (its drifts are recorded next); a run that fails later still
            // did it. A dry run moves no checkpoint: the next run audits the slice again.
            if !request.dryRun {
                try store(try recorder.markCheckpoints([Self.auditSliceName(slice, of: slices)], runId: runId))
            }
            engine.event(
                .info, "balance audit",
                ["run": "\(runId)", "slice": "\(slice + 1)/\(slices)", "drifts": "\(drifts.count)"])
        }
        let emails = try store(try reader.accounts(userIds: drifts.map(\.userId)))
        for (userId, account) in emails { if let email = account.email { tally.emails[userId] = email } }
        let records = drifts.compactMap { drift in
            Reconciler.checkBalance(
                user: UserAccount(id: drift.userId, email: emails[drift.userId]?.email, balance: drift.balance),
                transactionSum: drift.transactionSum)?.record(evidence: nil)
        }
        try record(records)
        try closeGone(paymentIds: [], userIds: previouslyOpen.compactMap(\.userId))
    }

    /// The checkpoint recording when balance audit slice `slice` of `slices` was last audited.
    static func auditSliceName(_ slice: Int, of slices: Int) -> String {
        "balance-audit/\(slices)/\(slice)"
    }

    /// The balance audit slice this run audits, of `policy.balanceAuditRuns`: the first never
    /// audited, else the one audited longest ago (by the run that audited it). Each run audits
    /// one, so every slice (and every user) is audited once in that many runs. A changed
    /// `balanceAuditRuns` starts over with the new slices; `firstEver` when no run audited any
    /// slice yet (that run audits every user).
    func auditSlice() throws(RunError) -> (slice: Int, of: Int, firstEver: Bool) {
        let slices = max(1, configuration.policy.balanceAuditRuns)
        let prefix = "balance-audit/\(slices)/"
        let checkpoints = try store(try recorder.checkpoints(prefix: "balance-audit/"))
        var audited: [Int: Int64] = [:]
        for checkpoint in checkpoints where checkpoint.name.hasPrefix(prefix) {
            if let slice = Int(checkpoint.name.dropFirst(prefix.count)), (0..<slices).contains(slice) {
                audited[slice] = checkpoint.runId ?? 0
            }
        }
        let slice =
            (0..<slices).first { audited[$0] == nil }
            ?? (0..<slices).min { (audited[$0]!, $0) < (audited[$1]!, $1) }!
        return (slice, slices, checkpoints.isEmpty)
    }

    /// Evaluates a store call and adds the statement time it spent on the work session to `label`.
    func database<T>(_ label: String, _ call: @autoclosure () throws(LedgerStoreError) -> T) throws(RunError) -> T {
        try store(try timed(label, try call()))
    }

    /// Like ``database(_:_:)``, its failure the store's.
    func timed<T>(_ label: String, _ call: @autoclosure () throws(LedgerStoreError) -> T) throws(LedgerStoreError)
        -> T
    {
        let before = workSession.timeInStatements
        defer { databaseBy[label, default: .zero] += workSession.timeInStatements - before }
        return try call()
    }

    /// Evaluates a store call, its failure the run's.
    func store<T>(_ call: @autoclosure () throws(LedgerStoreError) -> T) throws(RunError) -> T {
        do {
            return try call()
        } catch {
            throw .store(error)
        }
    }

    func count(_ outcome: PaymentOutcome) {
        totals.classifications[outcome.classification.rawValue, default: 0] += 1
        if outcome.classification == .matched { totals.matched += 1 }
    }

    func record(_ records: [DiscrepancyRecord]) throws(RunError) {
        guard !records.isEmpty else { return }
        let recorded = try database("discrepancies", try discrepancies.record(records, runId: runId))
        for discrepancy in recorded where discrepancy.isNew { newDiscrepancyIds.insert(discrepancy.id) }
        totals.discrepanciesNew = newDiscrepancyIds.count
    }

    func closeGone(paymentIds: [String], userIds: [String], runLevel: Bool = false) throws(RunError) {
        guard !paymentIds.isEmpty || !userIds.isEmpty || runLevel else { return }
        let closed = try database(
            "discrepancies",
            try discrepancies.closeGone(
                runId: runId, examinedPaymentIds: paymentIds, examinedUserIds: userIds, runLevelExamined: runLevel))
        totals.discrepanciesClosed += closed.count
    }
}
