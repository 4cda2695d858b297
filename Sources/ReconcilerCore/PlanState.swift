import Foundation

/// Where a stored plan is in its life (DESIGN §4.6): `proposed` → `approved` → `applying` →
/// `applied`, or `expired` (`approval.planTtl` after it was made) or `superseded` (a newer
/// plan was stored before it was applied). `applying` marks an apply that started and has not
/// finished: it is resumed by the next `plan apply`, never started twice at once (the run lock).
public enum PlanState: String, Sendable, Hashable, CaseIterable {
    /// Stored by a dry run or a run over its limits; waits for an approver.
    case proposed
    /// Approved by a named person with a note.
    case approved
    /// An apply started and has not finished (it was interrupted, or is running now).
    case applying
    /// Applied once; final.
    case applied
    /// Not approved or applied within `approval.planTtl`; final.
    case expired
    /// A newer plan was stored before this one was applied; final.
    case superseded

    /// Whether nothing can happen to the plan any more.
    public var isFinal: Bool {
        switch self {
        case .applied, .expired, .superseded: true
        case .proposed, .approved, .applying: false
        }
    }

    /// Whether a newer plan supersedes this one when it is stored: plans not yet started.
    /// An `applying` plan is not superseded: its apply is finished by the next `plan apply`.
    public var isSupersededByNewerPlan: Bool { self == .proposed || self == .approved }
}

/// Why a plan cannot be approved or applied now, each with what to do instead.
public enum PlanRefusal: Error, Sendable, Hashable, CustomStringConvertible {
    /// No plan has that id (or `latest` found none).
    case unknown(String)
    /// The plan was applied already (at most once).
    case alreadyApplied(planId: Int64)
    /// The plan was approved already; approving twice would hide who decided.
    case alreadyApproved(planId: Int64, by: String)
    /// `plan apply` on a plan nobody approved.
    case notApproved(planId: Int64)
    /// The plan outlived `approval.planTtl`.
    case expired(planId: Int64)
    /// A newer plan replaced this one.
    case superseded(planId: Int64, by: Int64?)
    /// An approval without a name or a note.
    case approvalIncomplete(String)

    /// The message the command line prints: what is wrong and what to do.
    public var description: String {
        switch self {
        case .unknown(let id):
            "no plan \(id): list the plans with credit-reconciler plan list"
        case .alreadyApplied(let id):
            "plan \(id) was applied already and is applied only once: see its outcome with "
                + "credit-reconciler plan show \(id); for new repairs run credit-reconciler run --dry-run to make a new plan"
        case .alreadyApproved(let id, let by):
            "plan \(id) was approved already by \(by): apply it with credit-reconciler plan apply \(id)"
        case .notApproved(let id):
            "plan \(id) is not approved: have an approver review credit-reconciler plan show \(id) --format html "
                + "and run credit-reconciler plan approve \(id) --by NAME --note TEXT, then apply it"
        case .expired(let id):
            "plan \(id) expired (approval.planTtl): its facts are too old to act on; run credit-reconciler run --dry-run "
                + "to make a new plan and have it approved"
        case .superseded(let id, let by):
            "plan \(id) was superseded by a newer plan\(by.map { " (\($0))" } ?? ""): review and approve "
                + "credit-reconciler plan show \(by.map(String.init) ?? "latest") instead"
        case .approvalIncomplete(let what):
            "an approval needs \(what): plan approve ID --by NAME --note TEXT"
        }
    }
}

/// The pure rules of a plan's life: which transitions are allowed, and when a plan expires.
public enum PlanLifecycle {
    /// Whether a plan made at `createdAt` has outlived `ttl` seconds at `now`.
    public static func isExpired(createdAt: Date, now: Date, ttl: Int64) -> Bool {
        now.timeIntervalSince(createdAt) >= Double(ttl)
    }

    /// The state a plan must be read in at `now`: a proposed or approved plan past its TTL is expired.
    public static func current(_ state: PlanState, createdAt: Date, now: Date, ttl: Int64) -> PlanState {
        if state.isSupersededByNewerPlan && isExpired(createdAt: createdAt, now: now, ttl: ttl) { return .expired }
        return state
    }

    /// The state after an approval by `by` with `note`, or why there is none.
    public static func approve(
        planId: Int64, _ state: PlanState, approvedBy: String?, by: String, note: String, createdAt: Date, now: Date,
        ttl: Int64
    ) throws(PlanRefusal) -> PlanState {
        let trimmedBy = by.trimmingCharacters(in: .whitespacesAndNewlines)
        let trimmedNote = note.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmedBy.isEmpty { throw .approvalIncomplete("the approver's name (--by NAME)") }
        if trimmedNote.isEmpty { throw .approvalIncomplete("a note saying why (--note TEXT)") }
        switch current(state, createdAt: createdAt, now: now, ttl: ttl) {
        case .proposed: return .approved
        case .approved, .applying: throw .alreadyApproved(planId: planId, by: approvedBy ?? "someone")
        case .applied: throw .alreadyApplied(planId: planId)
        case .expired: throw .expired(planId: planId)
        case .superseded: throw .superseded(planId: planId, by: nil)
        }
    }

    /// The state when an apply starts (`applying`), or why it may not. An interrupted apply
    /// (`applying`) is resumed even past the TTL: part of it is written, and every repair
    /// is still decided again on fresh data before it is written.
    public static func startApply(planId: Int64, _ state: PlanState, createdAt: Date, now: Date, ttl: Int64)
        throws(PlanRefusal) -> PlanState
    {
        switch current(state, createdAt: createdAt, now: now, ttl: ttl) {
        case .approved, .applying: return .applying
        case .proposed: throw .notApproved(planId: planId)
        case .applied: throw .alreadyApplied(planId: planId)
        case .expired: throw .expired(planId: planId)
        case .superseded: throw .superseded(planId: planId, by: nil)
        }
    }

    /// The state when an apply finished: `applied` from `applying`, nil from any other state.
    public static func finishApply(_ state: PlanState) -> PlanState? {
        state == .applying ? .applied : nil
    }

    /// The state of an older plan when a newer one is stored: `superseded` if it had not started.
    public static func onNewerPlan(_ state: PlanState) -> PlanState {
        state.isSupersededByNewerPlan ? .superseded : state
    }
}
