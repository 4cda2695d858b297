import Foundation
import LedgerStore
import ReconcilerCore
import Reports
import WireFormat

/// A stored plan of repairs, as the command line and the console show it (DESIGN §4.6).
public typealias Plan = StoredPlan

/// One planned repair of a stored plan and what its apply did.
public typealias PlanItem = StoredPlan.Item

extension ReconcilerDatabase {
    /// Refuses plan commands on a database without the plan tables (migration 0009), saying what to do.
    func requirePlanTables() throws(ServiceFailure) {
        guard try migrationStatus().applied.contains(where: { $0.version >= 8 }) else {
            throw .configuration(
                "this database has no plan tables yet (migration 0009): run credit-reconciler migrate "
                    + "as the owner of the app's tables, then try again")
        }
    }

    /// The newest plans first (at most `limit`), their states as of now.
    public func plans(limit: Int = 50) throws(ServiceFailure) -> [Plan] {
        try requirePlanTables()
        return try command(try session.plans.list(limit: limit))
    }

    /// The plan `reference` names (an id or `latest`).
    ///
    /// - Throws: ``ServiceFailure/failed(_:)`` naming what to do when there is none.
    public func plan(named reference: String) throws(ServiceFailure) -> Plan {
        try requirePlanTables()
        return try command(try session.plans.plan(named: reference))
    }

    /// The plan's repairs in canonical order, with their outcomes.
    public func planItems(planId: Int64) throws(ServiceFailure) -> [PlanItem] {
        try command(try session.plans.repairs(planId: planId))
    }

    /// Approves plan `id` by `by` with `note`, recorded with the time.
    ///
    /// - Throws: ``ServiceFailure/failed(_:)`` with the refusal (already approved or applied,
    ///   expired, superseded, unknown, no name or note), which says what to do.
    public func approvePlan(id: Int64, by: String, note: String) throws(ServiceFailure) -> Plan {
        try requirePlanTables()
        return try command(try session.plans.approve(id: id, by: by, note: note))
    }
}

extension ReconcilerDatabase {
    /// Plan `plan` as a report document in `locale` (see `PlanReport.document`).
    public func planDocument(_ plan: Plan, locale: String) throws(ServiceFailure) -> JSONValue {
        let items = try planItems(planId: plan.id)
        let intact = RepairPlan(repairs: items.map(\.planned)).hash == plan.hash
        let header = PlanReport.Header(
            id: plan.id, hash: plan.hash, intact: intact, state: plan.state.rawValue, reason: plan.reason.rawValue,
            runId: plan.runId, createdAt: plan.createdAt, expiresAt: plan.expiresAt, approvedBy: plan.approvedBy,
            approvedNote: plan.approvedNote, approvedAt: plan.approvedAt, appliedAt: plan.appliedAt,
            supersededBy: plan.supersededBy)
        return PlanReport.document(
            header, repairs: items.map(\.planned), outcomes: items.map { $0.outcome?.rawValue }, locale: locale)
    }

    /// Plan `plan` rendered in `format` and `locale`.
    public func renderPlan(_ plan: Plan, as format: ReportFormat, locale: String) throws(ServiceFailure) -> String {
        PlanReport.render(try planDocument(plan, locale: locale), as: format)
    }
}
