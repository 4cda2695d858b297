import Foundation
import LedgerStore
import PortOne
import ReconcilerCore

extension Run {
    /// Checks the run's limits, then (in apply mode) applies the queued payments' repairs in
    /// batches (one transaction each, see `BatchCutter`), after fetching each payment again and
    /// deciding again on data read under the balance locks. The queue is read from the database
    /// a page at a time, grants first, then by payment id.
    func applyRepairs() async throws(RunError) {
        // By payment id, not in the order the scan's parallel slices happened to deliver pages:
        // when a user's balance cannot cover all of their refunds, which refund carries the
        // REFUND_SHORTFALL depends on the order, and must not depend on transport timing, faults
        // or where a killed run stopped (found by scripts/soak: 330 + 1,012 vs 42 + 1,300).
        try finishQueueWrites()
        // An approved plan's repairs were reviewed at their size: the approval is the override.
        if request.planId == nil,
            let limit = limits.check(policy: configuration.policy, maxFixesOverride: request.maxFixesOverride)
        {
            var found: [DiscrepancyRecord] = []
            var queued: [Repair] = []
            try forEachQueued(grantsFirst: false) { (units) throws(RunError) in
                for unit in units {
                    found += unit.discrepancies
                    queued += unit.repairs
                    planRepairs += unit.plannedRepairs
                    keepForReport(unit)
                }
            }
            try record(found + [limit.record(evidence: nil)])
            totals.paymentsExplained += queuedTotal
            planned += queued
            totals.fixesPlanned = planned.count
            try storePlan(.limit)
            engine.event(.error, "fix limit exceeded: nothing applied", ["run": "\(runId)", "detail": limit.detail])
            throw .failure(.fixLimitExceeded(runId: runId, "\(limit.detail) \(limitAdvice)"))
        }
        try closeGone(paymentIds: [], userIds: [], runLevel: true)
        if request.dryRun {
            try forEachQueued(grantsFirst: false) { (units) throws(RunError) in
                planned += units.flatMap(\.repairs).filter(\.isAutoApplicable)
                planRepairs += units.flatMap(\.plannedRepairs)
                try record(units.flatMap(\.discrepancies))
                try closeGone(paymentIds: units.map(\.paymentId), userIds: [])
            }
            totals.fixesPlanned = planned.count
            totals.paymentsExplained += queuedTotal
            try storePlan(.dryRun)
            return
        }
        totals.fixesPlanned = planned.count
        let queued = queuedTotal
        let writer = workSession.repairWriter(runId: runId)
        // Grants before deductions: a refund is clamped to the user's balance, so deducting it
        // before the same run grants that user's missed purchase would leave credits uncollected
        // (a spurious REFUND_SHORTFALL) that one run per payment would have collected.
        var source = QueuedUnits(queue: repairQueue, pageSize: 1_000, grantsFirst: true)
        var cutter = BatchCutter(size: engine.settings.repairBatchSize)
        // The next batches' payments are fetched again while the current batch is written: over
        // the Internet each fetch waits a round trip, so several batches are in flight at once.
        var prefetches: [(batch: [PendingUnit], task: Task<[PaymentLookup], any Error>)] = []
        func refill() throws(RunError) {
            while prefetches.count < max(1, engine.settings.refetchDepth),
                let batch = try database("queue_read", try cutter.next(from: &source))
            {
                prefetches.append((batch, prefetchTask(batch)))
            }
        }
        var done = 0
        do throws(RunError) {
            try refill()
            while let (batch, fetching) = prefetches.first {
                // Between repair transactions only: the one in progress always commits or rolls back whole.
                try checkStop()
                // A cancelled run (a stop after its grace period) ends the wait on PortOne too.
                let lookups: [PaymentLookup]
                do {
                    lookups = try await withTaskCancellationHandler {
                        try await fetching.value
                    } onCancel: {
                        fetching.cancel()
                    }
                } catch {
                    // A task's value has no typed error: the fetch throws PortOne's (or the run's).
                    throw RunError(untyped: error)
                }
                prefetches.removeFirst()
                try checkStop()
                try refill()
                try await apply(batch, lookups: lookups, with: writer)
                let before = done
                done += batch.count
                reportProgress(.repairing)
                if done / 500 > before / 500 {
                    engine.event(.info, "repairing", ["run": "\(runId)", "done": "\(done)", "payments": "\(queued)"])
                }
            }
        } catch {
            // Stopped or failed: the fetches started ahead are not needed any more.
            for prefetch in prefetches { prefetch.task.cancel() }
            throw error
        }
    }

    /// Hands the queued payments to `body` a page at a time, by payment id (grants first with
    /// `grantsFirst`).
    func forEachQueued(grantsFirst: Bool, _ body: ([PendingUnit]) throws(RunError) -> Void) throws(RunError) {
        var source = QueuedUnits(queue: repairQueue, pageSize: 1_000, grantsFirst: grantsFirst)
        while let page = try database("queue_read", try source.nextPage()) { try body(page) }
    }

    /// Keeps what the report says of a queued payment whose repairs are listed as planned.
    func keepForReport(_ unit: PendingUnit) {
        if let payment = unit.payment { tally.payments[unit.paymentId] = payment }
        if let email = unit.email { tally.emails[unit.userId] = email }
    }

    /// Starts fetching the payments of `batch` again, a few at a time.
    func prefetchTask(_ batch: [PendingUnit]) -> Task<[PaymentLookup], any Error> {
        Self.prefetch(batch.map(\.paymentId), client: engine.client, width: engine.settings.lookupParallelism)
    }

    private static func prefetch(_ ids: [String], client: PortOneClient, width: Int) -> Task<[PaymentLookup], any Error>
    {
        Task.detached { try await fetch(ids, client: client, width: width, check: {}) }
    }

    /// Applies one batch of units whose payments were just fetched again (`lookups`, in batch
    /// order): every unit PortOne still returns is re-decided on fresh data inside one
    /// transaction that locks the users' balances and re-reads the ledger
    /// (`RepairWriter.apply(units:decide:)`); the others, and a unit a webhook granted meanwhile,
    /// go through the single-unit path.
    func apply(_ batch: [PendingUnit], lookups: [PaymentLookup], with writer: RepairWriter) async throws(RunError) {
        var fresh: [String: PaymentFacts] = [:]
        var units: [PendingUnit] = []
        var alone: [(PendingUnit, PaymentLookup?)] = []
        for (unit, lookup) in zip(batch, lookups) {
            if case .found(let payment) = lookup {
                fresh[unit.paymentId] = payment.facts
                units.append(unit)
            } else {
                alone.append((unit, lookup))
            }
        }
        let maxCredits = configuration.policy.maxCreditsPerFix
        var freshOutcomes: [String: PaymentOutcome] = [:]
        let userOf = Dictionary(units.map { ($0.paymentId, $0.userId) }, uniquingKeysWith: { first, _ in first })
        let repairUnits = units.map { RepairUnit(userId: $0.userId, paymentId: $0.paymentId) }
        let before = workSession.timeInStatements
        let results = try store(
            try writer.apply(units: repairUnits) { snapshot in
                guard let payment = fresh[snapshot.paymentId], let userId = userOf[snapshot.paymentId] else {
                    return []
                }
                var users: [String: UserAccount] = [:]
                if let balance = snapshot.lockedBalance { users[userId] = UserAccount(id: userId, balance: balance) }
                let decideStart = clock.now
                let outcome = Reconciler.decide(
                    payment: payment, ledger: snapshot.freshLedger, users: users, configuration: configuration,
                    storeId: engine.settings.storeId, now: decisionTime)
                decideTime += clock.now - decideStart
                // Decided again when the batch falls back to one unit at a time: the last decision counts.
                freshOutcomes[snapshot.paymentId] = outcome
                return permittedWrites(outcome, userId: userId, paymentId: snapshot.paymentId, maxCredits: maxCredits)
            })
        databaseBy["repairs", default: .zero] += workSession.timeInStatements - before
        var records: [DiscrepancyRecord] = []
        var examined: [String] = []
        var reports: [(paymentId: String, report: String)] = []  // payments that changed since the scan
        for (unit, result) in zip(units, results) {
            if case .alreadyGranted = result {
                alone.append((unit, nil))
                continue
            }
            let payment = fresh[unit.paymentId]!
            if let outcome = freshOutcomes[unit.paymentId] {
                expectClosure(outcome)
                records += freshRecords(findings(outcome), of: unit, payment: payment, outcome: outcome)
                var written: Int64 = 0
                if case .applied(let applied) = result { written = applied.reduce(0) { $0 + $1.amount } }
                _ = tally.redecided(outcome: outcome, written: written, replacing: unit.gap)
            }
            switch result {
            case .applied(let applied):
                if let changed = tallyApplied(
                    applied, unit: unit, payment: payment, outcome: freshOutcomes[unit.paymentId])
                {
                    reports.append(changed)
                }
            case .nothingToDo, .alreadyGranted:
                totals.repairsSuperseded += 1
            }
            examined.append(unit.paymentId)
        }
        try database("queue_attach", try repairQueue.attach(reports))
        try record(records)
        try closeGone(paymentIds: examined, userIds: [])
        for (unit, lookup) in alone {
            try await apply(unit, lookup: lookup, with: writer)
        }
    }

    /// What a fresh decision found besides its repairs, and a repair too big to write.
    func findings(_ outcome: PaymentOutcome) -> [Discrepancy] {
        var found = outcome.discrepancies
        if let limit = FixLimits.check(
            repairs: outcome.applicable, policy: configuration.policy, maxFixesOverride: Int.max)
        {
            found.append(limit)
        }
        return found
    }

    /// The records of a fresh decision's findings; the report shows their payment as fetched again.
    func freshRecords(
        _ findings: [Discrepancy], of unit: PendingUnit, payment: PaymentFacts, outcome: PaymentOutcome
    ) -> [DiscrepancyRecord] {
        guard !findings.isEmpty else { return [] }
        tally.payments[payment.id] = tally.info(payment, packageId: outcome.packageId)
        if let email = unit.email { tally.emails[unit.userId] = email }
        return findings.map { $0.record(evidence: payment) }
    }

    /// Counts the repairs written for `payment`; returns the report text to store with its
    /// queued unit (`RepairQueue.attach`) when the payment as fetched again shows differently
    /// from the scan's, or explains its repairs differently (the report lists each fix with its
    /// payment and its cause or origin as last fetched).
    func tallyApplied(
        _ applied: [AppliedFix], unit: PendingUnit, payment: PaymentFacts, outcome: PaymentOutcome?
    ) -> (paymentId: String, report: String)? {
        for fix in applied { tally.repaired(fix, paidDay: unit.paidDay) }
        totals.fixesApplied += applied.count
        for fix in applied {
            if fix.amount > 0 {
                totals.creditsGranted += fix.credits
            } else {
                totals.creditsDeducted += fix.credits
            }
        }
        // Compared as the document writes them (times to the millisecond, like the queued text).
        let fresh = tally.info(payment, packageId: outcome?.packageId)
        let repairs = outcome?.repairs ?? unit.repairs
        let text = PendingUnit.reportText(payment: fresh, email: unit.email, repairs: repairs)
        guard let text, text != unit.reportText else { return nil }
        return (payment.id, text)
    }

    /// Re-fetches one payment (unless `lookup` is given), re-decides inside the repair transaction
    /// with the user's balance locked and the ledger read fresh, and writes what is still missing.
    func apply(_ unit: PendingUnit, lookup given: PaymentLookup? = nil, with writer: RepairWriter)
        async throws(RunError)
    {
        let lookup: PaymentLookup
        if let given {
            lookup = given
        } else {
            do {
                lookup = try await engine.client.getPayment(id: unit.paymentId)
            } catch {
                throw .portOne(error)
            }
        }
        guard case .found(let payment) = lookup else {
            // PortOne no longer returns what it returned minutes ago: repair nothing, say why.
            totals.repairsSuperseded += 1
            totals.paymentsExplained += 1
            keepForReport(unit)
            try record(unit.discrepancies)
            if case .notFound = lookup {
                try decideOrphans([unit.paymentId])
            } else if case .undecodable(let failure) = lookup {
                try record([
                    Reconciler.unparseable(paymentId: unit.paymentId, reason: failure.reason).record(evidence: nil)
                ])
            }
            return
        }
        let fresh = payment.facts
        let maxCredits = configuration.policy.maxCreditsPerFix
        var gap = unit.gap
        for _ in 0..<2 {
            var freshOutcome: PaymentOutcome?
            let result = try store(
                try writer.apply(userId: unit.userId, paymentId: unit.paymentId) { snapshot in
                    var users: [String: UserAccount] = [:]
                    if let balance = snapshot.lockedBalance {
                        users[unit.userId] = UserAccount(id: unit.userId, balance: balance)
                    }
                    let decideStart = clock.now
                    let outcome = Reconciler.decide(
                        payment: fresh, ledger: snapshot.freshLedger, users: users, configuration: configuration,
                        storeId: engine.settings.storeId, now: decisionTime)
                    decideTime += clock.now - decideStart
                    freshOutcome = outcome
                    return permittedWrites(
                        outcome, userId: unit.userId, paymentId: unit.paymentId, maxCredits: maxCredits)
                })
            if let freshOutcome {
                expectClosure(freshOutcome)
                try record(freshRecords(findings(freshOutcome), of: unit, payment: fresh, outcome: freshOutcome))
                var written: Int64 = 0
                if case .applied(let applied) = result { written = applied.reduce(0) { $0 + $1.amount } }
                gap = tally.redecided(outcome: freshOutcome, written: written, replacing: gap)
            }
            switch result {
            case .applied(let applied):
                if let changed = tallyApplied(applied, unit: unit, payment: fresh, outcome: freshOutcome) {
                    try database("queue_attach", try repairQueue.attach([changed]))
                }
                try closeGone(paymentIds: [unit.paymentId], userIds: [])
                return
            case .nothingToDo:
                totals.repairsSuperseded += 1
                try closeGone(paymentIds: [unit.paymentId], userIds: [])
                return
            case .alreadyGranted:
                // A webhook granted between our read and our write: decide once more on what it wrote.
                continue
            }
        }
        totals.repairsSuperseded += 1
    }
}

/// Cuts the queued units into batches of 1, 2, 4, … and then `size` units, a payment at most
/// once per batch. The small first batches commit the first repairs at once, so a stop request
/// early in the repairs stops after little work, as it did with one transaction per unit.
struct BatchCutter {
    let size: Int
    private var limit = 1
    private var carried: PendingUnit?

    init(size: Int) {
        self.size = size
    }

    /// The next batch of the queue's units (nil when it has none left).
    mutating func next(from source: inout QueuedUnits) throws(LedgerStoreError) -> [PendingUnit]? {
        try next { () throws(LedgerStoreError) in try source.next() }
    }

    /// The next batch of units `source` hands over (nil when it has none left).
    mutating func next<Failure: Error>(_ source: () throws(Failure) -> PendingUnit?) throws(Failure) -> [PendingUnit]? {
        var batch: [PendingUnit] = []
        var payments = Set<String>()
        if let unit = carried {
            batch.append(unit)
            payments.insert(unit.paymentId)
            carried = nil
        }
        while batch.count < limit, let unit = try source() {
            guard payments.insert(unit.paymentId).inserted else {
                carried = unit
                break
            }
            batch.append(unit)
        }
        guard !batch.isEmpty else { return nil }
        limit = min(max(1, size), limit * 2)
        return batch
    }
}

/// The queue's units in apply order (or by payment id), read a page at a time.
struct QueuedUnits {
    let queue: RepairQueue
    let pageSize: Int
    let grantsFirst: Bool
    private var page: [PendingUnit] = []
    private var index = 0
    private var position: RepairQueue.Position?
    private var exhausted = false

    init(queue: RepairQueue, pageSize: Int, grantsFirst: Bool) {
        self.queue = queue
        self.pageSize = pageSize
        self.grantsFirst = grantsFirst
    }

    /// The next page of units not handed out by ``next()``, or nil after the last.
    mutating func nextPage() throws(LedgerStoreError) -> [PendingUnit]? {
        if index < page.count {
            defer { (page, index) = ([], 0) }
            return Array(page[index...])
        }
        guard !exhausted else { return nil }
        let read = try queue.read(after: position, limit: pageSize, grantsFirst: grantsFirst)
        position = read.next
        exhausted = read.items.count < pageSize
        return read.items.isEmpty ? nil : try read.items.map(PendingUnit.init)
    }

    /// The next unit, or nil after the last.
    mutating func next() throws(LedgerStoreError) -> PendingUnit? {
        if index == page.count {
            guard let next = try nextPage() else { return nil }
            (page, index) = (next, 0)
        }
        defer { index += 1 }
        return page[index]
    }
}
