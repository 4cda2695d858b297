import Foundation
import LedgerStore
import ReconcilerCore
import WireFormat

extension Run {
    /// Stores the repairs a dry run or a run over its limits would have applied as a plan
    /// (DESIGN §4.6), superseding older plans not yet started. Follow ticks store none (their
    /// repairs are taken by the next run); a run with nothing to repair stores none.
    func storePlan(_ reason: StoredPlan.Reason) throws(RunError) {
        guard request.trigger != .follow, request.planId == nil else { return }
        let repairPlan = RepairPlan(repairs: planRepairs)
        planRepairs = []
        plan = try database(
            "plan",
            try workSession.plans.create(
                repairPlan, runId: runId, reason: reason, ttl: configuration.approval.planTtl))
        _ = try? workSession.plans.expireDue()
        if let plan {
            totals.plan = RunTotals.PlanReference(id: plan.id, hash: plan.hash)
            engine.event(
                .notice, "plan stored",
                [
                    "run": "\(runId)", "plan": "\(plan.id)", "hash": plan.hash, "repairs": "\(plan.repairs)",
                    "reason": reason.rawValue,
                ])
        }
    }

    /// What to do about a run over its limits: review, approve and apply its plan.
    var limitAdvice: String {
        guard let plan else {
            return
                "Review the planned repairs (credit-reconciler report --run \(runId)), then rerun with --max-fixes N "
                + "if they are right."
        }
        return "The repairs are stored as plan \(plan.id) (sha256 \(plan.hash)): review it with "
            + "credit-reconciler plan show \(plan.id) --format html, have it approved with credit-reconciler plan "
            + "approve \(plan.id) --by NAME --note TEXT, then apply exactly it with credit-reconciler plan apply "
            + "\(plan.id) (or rerun with --max-fixes N to apply what a new run finds, unreviewed)."
    }

    /// Starts applying plan `planId` in this run: refused unless approved (or interrupted while
    /// applying); its stored repairs must still hash to the plan's hash.
    func beginPlanApply(_ planId: Int64) throws(RunError) {
        // Checked before the plan is marked applying: a plan whose rows were edited is not begun.
        let repairs = try store(try workSession.plans.repairPlan(planId: planId))
        if let stored = try store(try workSession.plans.plan(id: planId)), repairs.hash != stored.hash {
            throw .failure(
                .failed(
                    "plan \(planId)'s stored repairs hash to \(repairs.hash), not to its hash \(stored.hash): they "
                        + "were changed after the plan was made; nothing was applied. Make a new plan with "
                        + "credit-reconciler run --dry-run"))
        }
        let started = try store(try workSession.plans.beginApply(id: planId, runId: runId, now: decisionTime.date))
        plan = started
        planGuard = Dictionary(grouping: repairs.repairs, by: \.repair.paymentId)
        engine.event(
            .notice, "applying plan",
            ["run": "\(runId)", "plan": "\(planId)", "hash": started.hash, "payments": "\(request.paymentIds.count)"])
    }

    /// The ledger writes a fresh decision allows for `paymentId` of `userId`: in a `plan apply`
    /// run, exactly the planned repairs when the fresh decision equals them, else none (the
    /// payment is listed as changed since the plan); in any other run, its repairs unless one is
    /// above `policy.maxCreditsPerFix` (checked on the scan's decision; fresh data must not slip
    /// a bigger repair past it).
    func permittedWrites(_ outcome: PaymentOutcome, userId: String, paymentId: String, maxCredits: Int64)
        -> [LedgerWrite]
    {
        let writes = outcome.applicable.filter { $0.userId == userId }
        if let planGuard {
            guard RepairPlan.freshDecision(writes, equals: planGuard[paymentId] ?? []) else {
                planChanged.insert(paymentId)
                return []
            }
            planChanged.remove(paymentId)
        } else {
            guard writes.allSatisfy({ $0.credits <= maxCredits }) else { return [] }
        }
        let ledgerWrites = writes.map(\.ledgerWrite)
        guard let defect = engine.settings.testingLedgerWriteDefect else { return ledgerWrites }
        return ledgerWrites.map(defect)
    }
}
