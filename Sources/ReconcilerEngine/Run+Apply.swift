import Foundation
import LedgerStore
import PortOne
import ReconcilerCore

extension Run {
    /// Checks the run's limits, then (in apply mode) applies the queued payments' repairs in
    /// batches (one transaction each, see `repairBatches`), after fetching each payment again and
    /// deciding again on data read under the balance locks.
    func applyRepairs() async throws {
        // By payment id, not in the order the scan's parallel slices happened to deliver pages:
        // when a user's balance cannot cover all of their refunds, which refund carries the
        // REFUND_SHORTFALL depends on the order, and must not depend on transport timing, faults
        // or where a killed run stopped (found by scripts/soak: 330 + 1,012 vs 42 + 1,300).
        pending = pending.enumerated().sorted {
            ($0.element.paymentId, $0.offset) < ($1.element.paymentId, $1.offset)
        }.map(\.element)
        let allRepairs = pending.flatMap(\.repairs)
        if let limit = FixLimits.check(
            repairs: allRepairs, policy: configuration.policy, maxFixesOverride: request.maxFixesOverride)
        {
            try record(pending.flatMap(\.discrepancies) + [limit.record(evidence: nil)])
            planned += allRepairs
            totals.fixesPlanned = planned.count
            engine.event(.error, "fix limit exceeded: nothing applied", ["run": "\(runId)", "detail": limit.detail])
            throw RunFailure.fixLimitExceeded(
                runId: runId,
                "\(limit.detail) Review the planned repairs (credit-reconciler report --run \(runId)), then rerun with --max-fixes N if they are right."
            )
        }
        try closeGone(paymentIds: [], userIds: [], runLevel: true)
        if request.dryRun {
            planned += allRepairs.filter(\.isAutoApplicable)
            totals.fixesPlanned = planned.count
            try record(pending.flatMap(\.discrepancies))
            try closeGone(paymentIds: pending.map(\.paymentId), userIds: [])
            return
        }
        totals.fixesPlanned = planned.count
        let writer = RepairWriter(connection: workConnection, runId: runId)
        // Grants before deductions: a refund is clamped to the user's balance, so deducting it
        // before the same run grants that user's missed purchase would leave credits uncollected
        // (a spurious REFUND_SHORTFALL) that one run per payment would have collected.
        let grantsFirst =
            pending.filter { $0.repairs.contains { $0.kind == .missedGrant } }
            + pending.filter { !$0.repairs.contains { $0.kind == .missedGrant } }
        let batches = Self.repairBatches(grantsFirst, size: engine.settings.repairBatchSize)
        // The next batches' payments are fetched again while the current batch is written: over
        // the Internet each fetch waits a round trip, so several batches are in flight at once.
        var prefetches: [Task<[PaymentLookup], any Error>] = []
        var nextPrefetch = 0
        func refill() {
            while prefetches.count < max(1, engine.settings.refetchDepth), nextPrefetch < batches.count {
                prefetches.append(prefetchTask(batches[nextPrefetch]))
                nextPrefetch += 1
            }
        }
        refill()
        var done = 0
        do {
            for batch in batches {
                // Between repair transactions only: the one in progress always commits or rolls back whole.
                try checkStop()
                let fetching = prefetches[0]
                // A cancelled run (a stop after its grace period) ends the wait on PortOne too.
                let lookups = try await withTaskCancellationHandler {
                    try await fetching.value
                } onCancel: {
                    fetching.cancel()
                }
                prefetches.removeFirst()
                try checkStop()
                refill()
                try await apply(batch, lookups: lookups, with: writer)
                let before = done
                done += batch.count
                reportProgress(.repairing)
                if done / 500 > before / 500 {
                    engine.event(
                        .info, "repairing", ["run": "\(runId)", "done": "\(done)", "payments": "\(pending.count)"])
                }
            }
        } catch {
            // Stopped or failed: the fetches started ahead are not needed any more.
            for task in prefetches { task.cancel() }
            throw error
        }
        // Applied: the queue (and the days of the payments it granted) is not needed for the
        // report, which is built next and is the run's largest moment.
        queuedRepairs = pending.count
        pending = []
        tally.paidDays = [:]
    }

    /// Cuts `units` into batches of 1, 2, 4, … and then `size` units, a payment at most once per
    /// batch. The small first batches commit the first repairs at once, so a stop request early in
    /// the repairs stops after little work, as it did with one transaction per unit.
    static func repairBatches(_ units: [PendingUnit], size: Int) -> [[PendingUnit]] {
        var batches: [[PendingUnit]] = []
        var current: [PendingUnit] = []
        var payments = Set<String>()
        var limit = 1
        for unit in units {
            if current.count >= limit || payments.contains(unit.paymentId) {
                batches.append(current)
                current = []
                payments = []
                limit = min(max(1, size), limit * 2)
            }
            current.append(unit)
            payments.insert(unit.paymentId)
        }
        if !current.isEmpty { batches.append(current) }
        return batches
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
    func apply(_ batch: [PendingUnit], lookups: [PaymentLookup], with writer: RepairWriter) async throws {
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
        let before = workConnection.timeInStatements
        let results = try writer.apply(units: repairUnits) { snapshot in
            guard let payment = fresh[snapshot.paymentId], let userId = userOf[snapshot.paymentId] else { return [] }
            var users: [String: UserAccount] = [:]
            if let balance = snapshot.lockedBalance { users[userId] = UserAccount(id: userId, balance: balance) }
            let decideStart = clock.now
            let outcome = Reconciler.decide(
                payment: payment, ledger: snapshot.freshLedger, users: users, configuration: configuration,
                storeId: engine.settings.storeId, now: decisionTime)
            decideTime += clock.now - decideStart
            // Decided again when the batch falls back to one unit at a time: the last decision counts.
            freshOutcomes[snapshot.paymentId] = outcome
            let writes = outcome.applicable.filter { $0.userId == userId }
            // The limit was checked on the plan; fresh data must not slip a bigger repair past it.
            guard writes.allSatisfy({ $0.credits <= maxCredits }) else { return [] }
            return writes.map(\.ledgerWrite)
        }
        databaseBy["repairs", default: .zero] += workConnection.timeInStatements - before
        var records: [DiscrepancyRecord] = []
        var examined: [String] = []
        for (unit, result) in zip(units, results) {
            if case .alreadyGranted = result {
                alone.append((unit, nil))
                continue
            }
            let payment = fresh[unit.paymentId]!
            if let outcome = freshOutcomes[unit.paymentId] {
                records += findings(outcome).map { $0.record(evidence: payment) }
                var written: Int64 = 0
                if case .applied(let applied) = result { written = applied.reduce(0) { $0 + $1.amount } }
                tally.redecided(unit.paymentId, outcome: outcome, written: written)
            }
            switch result {
            case .applied(let applied):
                tallyApplied(applied, payment: payment, packageId: freshOutcomes[unit.paymentId]?.packageId)
            case .nothingToDo, .alreadyGranted:
                totals.repairsSuperseded += 1
            }
            examined.append(unit.paymentId)
        }
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

    /// Counts the repairs written for `payment`.
    func tallyApplied(_ applied: [AppliedFix], payment: PaymentFacts, packageId: String?) {
        fixes += applied
        tally.payments[payment.id] = tally.info(payment, packageId: packageId)
        for fix in applied { tally.repaired(fix) }
        totals.fixesApplied += applied.count
        for fix in applied {
            if fix.amount > 0 {
                totals.creditsGranted += fix.credits
            } else {
                totals.creditsDeducted += fix.credits
            }
        }
    }

    /// Re-fetches one payment (unless `lookup` is given), re-decides inside the repair transaction
    /// with the user's balance locked and the ledger read fresh, and writes what is still missing.
    func apply(_ unit: PendingUnit, lookup given: PaymentLookup? = nil, with writer: RepairWriter) async throws {
        let lookup: PaymentLookup
        if let given {
            lookup = given
        } else {
            lookup = try await engine.client.getPayment(id: unit.paymentId)
        }
        guard case .found(let payment) = lookup else {
            // PortOne no longer returns what it returned minutes ago: repair nothing, say why.
            totals.repairsSuperseded += 1
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
        for _ in 0..<2 {
            var freshOutcome: PaymentOutcome?
            let result = try writer.apply(userId: unit.userId, paymentId: unit.paymentId) { snapshot in
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
                let writes = outcome.applicable.filter { $0.userId == unit.userId }
                // The limit was checked on the plan; fresh data must not slip a bigger repair past it.
                guard writes.allSatisfy({ $0.credits <= maxCredits }) else { return [] }
                return writes.map(\.ledgerWrite)
            }
            if let freshOutcome {
                try record(findings(freshOutcome).map { $0.record(evidence: fresh) })
            }
            if let freshOutcome {
                var written: Int64 = 0
                if case .applied(let applied) = result { written = applied.reduce(0) { $0 + $1.amount } }
                tally.redecided(unit.paymentId, outcome: freshOutcome, written: written)
            }
            switch result {
            case .applied(let applied):
                tallyApplied(applied, payment: fresh, packageId: freshOutcome?.packageId)
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
