import Foundation
import LedgerStore
import ReconcilerCore

/// What `plan apply` did.
public struct PlanApplyResult: Sendable {
    /// The plan after the apply (`applied`).
    public var plan: Plan
    /// The run that applied it; nil when an interrupted apply had written every repair already.
    public var run: RunResult?
    /// The planned repairs written (by this apply or by an interrupted one).
    public var applied: [PlanItem]
    /// The planned repairs skipped because the fresh decision differed (changed since the plan).
    public var changed: [PlanItem]
}

extension ReconciliationEngine {
    /// Applies the approved plan `reference` names (`plan apply`, DESIGN §4.6): exactly its
    /// repairs, each payment fetched again and decided again, written only when the fresh
    /// decision equals the plan's; the others are listed as changed. It runs as a run (the run
    /// lock, batches, crash safety); an apply that was interrupted is resumed: the payments its
    /// runs repaired already are not looked at again, the rest are.
    ///
    /// - Throws: ``RunFailure/failed(_:)`` with the plan's refusal (unknown, not approved,
    ///   applied already, expired, superseded), and the run's failures.
    public func applyPlan(_ reference: String, control: RunControl = RunControl()) async throws(RunFailure)
        -> PlanApplyResult
    {
        let session: LedgerSession
        do {
            session = try settings.database.open()
        } catch {
            throw Self.failure(error)
        }
        defer { session.close() }
        let plans = session.plans
        let plan: Plan
        let remaining: [String]
        let status: MigrationStatus
        do {
            status = try session.migrator.status()
        } catch {
            throw Self.failure(error)
        }
        guard status.pending.isEmpty else {
            throw .configuration(
                "\(status.pending.count) database migration(s) pending "
                    + "(\(status.pending.map(\.fileName).joined(separator: ", "))): run credit-reconciler migrate as the "
                    + "owner of the app's tables, then apply the plan")
        }
        do {
            let named = try plans.plan(named: reference, now: now().date)
            plan = try plans.checkApplicable(id: named.id, now: now().date)
            let repaired = try plans.repairedPayments(planId: plan.id)
            remaining = try plans.repairPlan(planId: plan.id).paymentIds.filter { !repaired.contains($0) }
        } catch {
            throw Self.failure(error)
        }
        var result: RunResult?
        if !remaining.isEmpty {
            result = try await run(
                RunRequest(trigger: .manual, paymentIds: remaining, planId: plan.id), control: control)
            guard result?.outcome == .succeeded else {
                throw .failed(
                    "the apply of plan \(plan.id) was stopped before it finished; what it wrote stays written: "
                        + "run credit-reconciler plan apply \(plan.id) again to finish it")
            }
        }
        do {
            var final = try plans.plan(id: plan.id, now: now().date) ?? plan
            if final.state == .applying { final = try plans.finishApply(id: plan.id, runId: nil) }
            let items = try plans.repairs(planId: plan.id)
            return PlanApplyResult(
                plan: final, run: result, applied: items.filter { $0.outcome == .applied },
                changed: items.filter { $0.outcome != .applied })
        } catch {
            throw Self.failure(error)
        }
    }
}
