import Foundation
import LedgerStore
import PortOne
import ReconcilerCore

extension Run {
    /// Checks the run's limits, then (in apply mode) applies each queued payment's repairs in
    /// its own transaction, after fetching the payment again and deciding again on fresh data.
    func applyRepairs() async throws {
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
        for (index, unit) in grantsFirst.enumerated() {
            // Between repair transactions only: the one in progress always commits or rolls back whole.
            try checkStop()
            try await apply(unit, with: writer)
            reportProgress(.repairing)
            if (index + 1) % 500 == 0 {
                engine.event(
                    .info, "repairing", ["run": "\(runId)", "done": "\(index + 1)", "payments": "\(pending.count)"])
            }
        }
    }

    /// Re-fetches one payment, re-decides inside the repair transaction with the user's balance
    /// locked and the ledger read fresh, and writes what is still missing.
    func apply(_ unit: PendingUnit, with writer: RepairWriter) async throws {
        let lookup = try await engine.client.getPayment(id: unit.paymentId)
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
                let outcome = Reconciler.decide(
                    payment: fresh, ledger: snapshot.freshLedger, users: users, configuration: configuration,
                    storeId: engine.settings.storeId, now: decisionTime)
                freshOutcome = outcome
                let writes = outcome.applicable.filter { $0.userId == unit.userId }
                // The limit was checked on the plan; fresh data must not slip a bigger repair past it.
                guard writes.allSatisfy({ $0.credits <= maxCredits }) else { return [] }
                return writes.map(\.ledgerWrite)
            }
            if let freshOutcome {
                var found = freshOutcome.discrepancies
                if let limit = FixLimits.check(
                    repairs: freshOutcome.applicable, policy: configuration.policy, maxFixesOverride: Int.max)
                {
                    found.append(limit)
                }
                try record(found.map { $0.record(evidence: fresh) })
            }
            if let freshOutcome {
                var written: Int64 = 0
                if case .applied(let applied) = result { written = applied.reduce(0) { $0 + $1.amount } }
                tally.redecided(unit.paymentId, outcome: freshOutcome, written: written)
            }
            switch result {
            case .applied(let applied):
                fixes += applied
                tally.payments[unit.paymentId] = tally.info(fresh, packageId: freshOutcome?.packageId)
                for fix in applied { tally.repaired(fix) }
                totals.fixesApplied += applied.count
                for fix in applied {
                    if fix.amount > 0 {
                        totals.creditsGranted += fix.credits
                    } else {
                        totals.creditsDeducted += fix.credits
                    }
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
