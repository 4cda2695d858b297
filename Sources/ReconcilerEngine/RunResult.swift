import LedgerStore
import ReconcilerCore

/// What a finished run did.
public struct RunResult: Sendable {
    /// `reconciler.run.id`.
    public var runId: Int64
    /// How it ended.
    public var outcome: RunOutcome
    /// The window it covered (nil for `--payment-id` runs).
    public var window: RunWindow?
    /// Its counts.
    public var totals: RunTotals
    // The repairs it wrote are in `reconciler.fix` (`RepairQueue.allFixes(on:runId:)`): a run
    // can write tens of thousands, and a result must not hold them all.
    /// The repairs it found but did not write.
    public var plannedRepairs: [Repair]
    /// Where its time went.
    public var timings = RunTimings()
    /// The plan a dry run stored, or the plan a `plan apply` run applied (DESIGN §4.6).
    public var plan: StoredPlan?
    /// For a `plan apply` run: the planned payments skipped because they changed since the plan.
    public var planChanged: [String] = []
}
