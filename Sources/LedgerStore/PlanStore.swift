import Foundation
import Postgres
import ReconcilerCore
import WireFormat

/// The stored plans of repairs (`reconciler.plan`, `plan_repair`, `plan_apply`; DESIGN §4.6):
/// created by runs, listed and shown to reviewers, approved by a named person, applied once.
/// Every state change goes through ``PlanLifecycle`` under a row lock, so two approvers or two
/// appliers cannot both win. Used by the command line and the console alike; it knows nothing
/// of either.
public final class PlanStore {
    /// The connection the plans are read and written on.
    public let connection: Connection

    /// Creates a store on `connection`.
    public init(connection: Connection) {
        self.connection = connection
    }

    static let columns = """
        id, hash, run_id, reason, created_at, expires_at, status, repairs, payments, credits_granted,
        credits_deducted, approved_by, approved_note, approved_at, superseded_by, applied_at
        """

    /// Stores `plan`, made by run `runId` for `reason`, expiring `ttl` seconds after now, and
    /// supersedes every older plan not yet started (proposed or approved): only the newest plan
    /// can be approved and applied. Returns the stored plan. An empty plan is not stored (nil),
    /// and supersedes nothing.
    public func create(_ plan: RepairPlan, runId: Int64, reason: StoredPlan.Reason, ttl: Int64)
        throws(LedgerStoreError) -> StoredPlan?
    {
        guard !plan.repairs.isEmpty else { return nil }
        return try connection.transaction { (connection) throws(LedgerStoreError) -> StoredPlan in
            let row = try connection.firstRow(
                """
                INSERT INTO reconciler.plan
                    (hash, run_id, reason, expires_at, repairs, payments, credits_granted, credits_deducted)
                VALUES ($1, $2, $3, now() + $4::bigint * interval '1 second', $5, $6, $7, $8)
                RETURNING \(Self.columns)
                """,
                [
                    plan.hash, runId, reason.rawValue, ttl, Int32(plan.repairs.count),
                    Int32(plan.paymentIds.count), plan.creditsGranted, plan.creditsDeducted,
                ])!
            let stored = try StoredPlan(row: row)
            // A few thousand repairs per statement: a plan of a large backlog is not one huge parameter.
            for start in stride(from: 0, to: plan.repairs.count, by: 2_000) {
                let chunk = plan.repairs[start..<min(start + 2_000, plan.repairs.count)]
                try connection.perform(
                    """
                    INSERT INTO reconciler.plan_repair (plan_id, seq, payment_id, kind, credits, repair)
                    SELECT $1, $3 + (r.ordinality - 1)::int, r.value->>'paymentId', r.value->>'kind',
                           (r.value->>'credits')::bigint, r.value
                    FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS r
                    """, [stored.id, JSONValue.array(chunk.map(\.storedJSON)).serialized(), Int32(start)])
            }
            try connection.perform(
                """
                UPDATE reconciler.plan SET status = 'superseded', superseded_by = $1
                WHERE id < $1 AND status IN ('proposed', 'approved')
                """, [stored.id])
            return stored
        }
    }

    /// The newest plans first, at most `limit`; states read at `now` (a plan past its TTL shows expired).
    public func list(limit: Int = 50, now: Date = Date()) throws(LedgerStoreError) -> [StoredPlan] {
        try connection.rows(
            "SELECT \(Self.columns) FROM reconciler.plan ORDER BY id DESC LIMIT $1", [Int64(limit)]
        ).map { (row) throws(LedgerStoreError) in try StoredPlan(row: row).read(at: now) }
    }

    /// The plan with `id`, nil when there is none.
    public func plan(id: Int64, now: Date = Date()) throws(LedgerStoreError) -> StoredPlan? {
        try connection.firstRow("SELECT \(Self.columns) FROM reconciler.plan WHERE id = $1", [id]).map {
            (row) throws(LedgerStoreError) in try StoredPlan(row: row).read(at: now)
        }
    }

    /// The newest plan, nil when there is none.
    public func latest(now: Date = Date()) throws(LedgerStoreError) -> StoredPlan? {
        try connection.firstRow("SELECT \(Self.columns) FROM reconciler.plan ORDER BY id DESC LIMIT 1").map {
            (row) throws(LedgerStoreError) in try StoredPlan(row: row).read(at: now)
        }
    }

    /// The plan `reference` names: a number, or `latest`.
    public func plan(named reference: String, now: Date = Date()) throws(LedgerStoreError) -> StoredPlan {
        let found: StoredPlan?
        if reference == "latest" {
            found = try latest(now: now)
        } else if let id = Int64(reference), id > 0 {
            found = try plan(id: id, now: now)
        } else {
            found = nil
        }
        guard let found else { throw .plan(.unknown(reference)) }
        return found
    }

    /// The plan's repairs in canonical order, with what its apply did of each.
    public func repairs(planId: Int64) throws(LedgerStoreError) -> [StoredPlan.Item] {
        try connection.rows(
            """
            SELECT seq, repair::text AS repair, outcome, outcome_run_id FROM reconciler.plan_repair
            WHERE plan_id = $1 ORDER BY seq
            """, [planId]
        ).map { (row) throws(LedgerStoreError) in
            let text: String = try row.value("repair")
            guard let value = try? JSONValue.parse(Data(text.utf8)), let repair = PlannedRepair(stored: value) else {
                throw .refused("plan \(planId) holds an unreadable repair (reconciler.plan_repair): make a new plan")
            }
            let outcome: String? = try row.value("outcome")
            return StoredPlan.Item(
                seq: try row.value("seq"), planned: repair, outcome: outcome.flatMap(StoredPlan.Outcome.init),
                outcomeRunId: try row.value("outcome_run_id"))
        }
    }

    /// The plan's repairs as a ``RepairPlan`` (its hash is checked against the stored one by the caller).
    public func repairPlan(planId: Int64) throws(LedgerStoreError) -> RepairPlan {
        RepairPlan(repairs: try repairs(planId: planId).map(\.planned))
    }

    /// Approves plan `id` by `by` with `note` (see ``PlanLifecycle/approve``); a plan found
    /// past its TTL is marked expired and refused.
    public func approve(id: Int64, by: String, note: String, now: Date = Date()) throws(LedgerStoreError)
        -> StoredPlan
    {
        try change(id) { (plan, connection) throws(LedgerStoreError) -> Result<StoredPlan, PlanRefusal> in
            do throws(PlanRefusal) {
                _ = try PlanLifecycle.approve(
                    planId: id, plan.state, approvedBy: plan.approvedBy, by: by, note: note, createdAt: plan.createdAt,
                    now: now, ttl: plan.ttl)
            } catch {
                return .failure(error)
            }
            let row = try connection.firstRow(
                """
                UPDATE reconciler.plan SET status = 'approved', approved_by = $2, approved_note = $3, approved_at = now()
                WHERE id = $1 RETURNING \(Self.columns)
                """,
                [
                    id, by.trimmingCharacters(in: .whitespacesAndNewlines),
                    note.trimmingCharacters(in: .whitespacesAndNewlines),
                ])!
            return .success(try StoredPlan(row: row))
        }
    }

    /// Starts (or resumes) applying plan `id` in run `runId`: the plan becomes `applying` and
    /// the run is recorded as one of its apply runs. Refused unless approved (or applying).
    public func beginApply(id: Int64, runId: Int64, now: Date = Date()) throws(LedgerStoreError) -> StoredPlan {
        try change(id) { (plan, connection) throws(LedgerStoreError) -> Result<StoredPlan, PlanRefusal> in
            do throws(PlanRefusal) {
                _ = try PlanLifecycle.startApply(
                    planId: id, plan.state, createdAt: plan.createdAt, now: now, ttl: plan.ttl)
            } catch {
                return .failure(error)
            }
            try connection.perform(
                "INSERT INTO reconciler.plan_apply (plan_id, run_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                [id, runId])
            let row = try connection.firstRow(
                "UPDATE reconciler.plan SET status = 'applying' WHERE id = $1 RETURNING \(Self.columns)", [id])!
            return .success(try StoredPlan(row: row))
        }
    }

    /// Checks that plan `id` may be applied now (before a run is started for it), without changing it
    /// (but a plan found past its TTL is marked expired).
    public func checkApplicable(id: Int64, now: Date = Date()) throws(LedgerStoreError) -> StoredPlan {
        try change(id) { (plan, _) throws(LedgerStoreError) -> Result<StoredPlan, PlanRefusal> in
            do throws(PlanRefusal) {
                _ = try PlanLifecycle.startApply(
                    planId: id, plan.state, createdAt: plan.createdAt, now: now, ttl: plan.ttl)
            } catch {
                return .failure(error)
            }
            return .success(plan)
        }
    }

    /// Runs `body` on plan `id`, locked; a refusal commits nothing but marks an expired plan so.
    private func change(
        _ id: Int64, _ body: (StoredPlan, Connection) throws(LedgerStoreError) -> Result<StoredPlan, PlanRefusal>
    ) throws(LedgerStoreError) -> StoredPlan {
        let (plan, result) = try connection.transaction {
            (connection) throws(LedgerStoreError) -> (StoredPlan, Result<StoredPlan, PlanRefusal>) in
            guard
                let row = try connection.firstRow(
                    "SELECT \(Self.columns) FROM reconciler.plan WHERE id = $1 FOR UPDATE", [id])
            else { throw .plan(.unknown(String(id))) }
            let plan = try StoredPlan(row: row)
            return (plan, try body(plan, connection))
        }
        switch result {
        case .success(let changed):
            return changed
        case .failure(.expired):
            try connection.perform(
                "UPDATE reconciler.plan SET status = 'expired' WHERE id = $1 AND status IN ('proposed', 'approved')",
                [id])
            throw .plan(.expired(planId: id))
        case .failure(.superseded):
            throw .plan(.superseded(planId: id, by: plan.supersededBy))
        case .failure(let refusal):
            throw .plan(refusal)
        }
    }

    /// The payments the plan's apply runs repaired so far (a `reconciler.fix` row of one of them).
    public func repairedPayments(planId: Int64) throws(LedgerStoreError) -> Set<String> {
        Set(
            try connection.rows(
                """
                SELECT DISTINCT f.payment_id FROM reconciler.fix f
                JOIN reconciler.plan_apply a ON a.run_id = f.run_id WHERE a.plan_id = $1
                """, [planId]
            ).map { (row) throws(LedgerStoreError) -> String in try row.value("payment_id") })
    }

    /// Records what the apply in run `runId` did with each planned payment: `applied` for those
    /// repaired by one of the plan's apply runs, `changed` for the others, and marks the plan applied.
    public func finishApply(id: Int64, runId: Int64?) throws(LedgerStoreError) -> StoredPlan {
        try connection.transaction { (connection) throws(LedgerStoreError) -> StoredPlan in
            try connection.perform(
                """
                UPDATE reconciler.plan_repair p SET outcome_run_id = $2,
                    outcome = CASE WHEN EXISTS (
                        SELECT 1 FROM reconciler.fix f JOIN reconciler.plan_apply a ON a.run_id = f.run_id
                        WHERE a.plan_id = p.plan_id AND f.payment_id = p.payment_id AND f.kind = p.kind)
                    THEN 'applied' ELSE 'changed' END
                WHERE p.plan_id = $1 AND p.outcome IS NULL
                """, [id, runId])
            let row = try connection.firstRow(
                """
                UPDATE reconciler.plan SET status = 'applied', applied_at = now()
                WHERE id = $1 AND status = 'applying' RETURNING \(Self.columns)
                """, [id])
            guard let row else {
                throw .refused("plan \(id) was not being applied: see credit-reconciler plan show \(id)")
            }
            return try StoredPlan(row: row)
        }
    }

    /// Marks plans past their TTL that were never started `expired`; returns how many.
    @discardableResult
    public func expireDue() throws(LedgerStoreError) -> Int {
        Int(
            try connection.perform(
                "UPDATE reconciler.plan SET status = 'expired' WHERE status IN ('proposed', 'approved') AND expires_at <= now()"
            ).affectedRows)
    }
}

/// One row of `reconciler.plan`.
public struct StoredPlan: Sendable, Hashable {
    /// Why the run stored a plan.
    public enum Reason: String, Sendable, Hashable {
        /// A dry run: it writes nothing and plans everything it would have applied.
        case dryRun = "dry-run"
        /// A run over `policy.maxFixesPerRun` or `policy.maxCreditsPerFix`: it applied nothing.
        case limit
    }

    /// What a plan's apply did with one planned repair.
    public enum Outcome: String, Sendable, Hashable {
        /// Decided again on fresh data the same as planned, and written.
        case applied
        /// Decided differently on fresh data (or nothing to do any more): skipped.
        case changed
    }

    /// One planned repair and its outcome.
    public struct Item: Sendable, Hashable {
        /// Its position in the plan's canonical order.
        public var seq: Int32
        /// The repair and its facts.
        public var planned: PlannedRepair
        /// What the apply did; nil before the apply.
        public var outcome: Outcome?
        /// The run that applied or skipped it.
        public var outcomeRunId: Int64?
    }

    /// The plan's id.
    public var id: Int64
    /// The SHA-256 of the plan's canonical serialization (``RepairPlan/hash``).
    public var hash: String
    /// The run that made the plan.
    public var runId: Int64
    /// Why it was made.
    public var reason: Reason
    /// When it was stored.
    public var createdAt: Date
    /// When it expires unless applied (`approval.planTtl` after `createdAt`).
    public var expiresAt: Date
    /// Its state (as read at the time given to the store).
    public var state: PlanState
    /// How many repairs it holds.
    public var repairs: Int32
    /// How many payments they repair.
    public var payments: Int32
    /// Credits its grants add.
    public var creditsGranted: Int64
    /// Credits its refunds take back.
    public var creditsDeducted: Int64
    /// Who approved it.
    public var approvedBy: String?
    /// Why they approved it.
    public var approvedNote: String?
    /// When they approved it.
    public var approvedAt: Date?
    /// The newer plan that superseded it.
    public var supersededBy: Int64?
    /// When its apply finished.
    public var appliedAt: Date?

    /// The TTL it was stored with, in seconds.
    public var ttl: Int64 { Int64(expiresAt.timeIntervalSince(createdAt).rounded()) }

    /// The first 12 hex digits of the hash, for one-line messages.
    public var shortHash: String { String(hash.prefix(12)) }

    init(row: Row) throws(LedgerStoreError) {
        let reason: String = try row.value("reason")
        let state: String = try row.value("status")
        guard let reason = Reason(rawValue: reason), let state = PlanState(rawValue: state) else {
            throw .refused(
                "reconciler.plan holds a reason or status this build does not know: upgrade credit-reconciler")
        }
        id = try row.value("id")
        hash = try row.value("hash")
        runId = try row.value("run_id")
        self.reason = reason
        createdAt = try row.value("created_at")
        expiresAt = try row.value("expires_at")
        self.state = state
        repairs = try row.value("repairs")
        payments = try row.value("payments")
        creditsGranted = try row.value("credits_granted")
        creditsDeducted = try row.value("credits_deducted")
        approvedBy = try row.value("approved_by")
        approvedNote = try row.value("approved_note")
        approvedAt = try row.value("approved_at")
        supersededBy = try row.value("superseded_by")
        appliedAt = try row.value("applied_at")
    }

    /// The plan with its state as of `now` (past its TTL and not started: expired).
    func read(at now: Date) -> StoredPlan {
        var plan = self
        plan.state = PlanLifecycle.current(state, createdAt: createdAt, now: now, ttl: ttl)
        return plan
    }
}
