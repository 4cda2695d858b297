import ReconcilerCore
import WireFormat

/// What one run is asked to do (the `run` command's options, resolved).
public struct RunRequest: Sendable, Hashable {
    /// What started the run.
    public var trigger: RunTrigger
    /// Plan only: nothing written to the app's tables, checkpoint kept.
    public var dryRun: Bool
    /// Explicit window start.
    public var since: RFC3339.Timestamp?
    /// Explicit window end (exclusive).
    public var until: RFC3339.Timestamp?
    /// Reconcile only these payments (looked up by id); no window, no checkpoint.
    public var paymentIds: [String]
    /// Sweep every payment created in the long period (`fullLookback`).
    public var full: Bool
    /// `--max-fixes`: overrides `policy.maxFixesPerRun` for this run.
    public var maxFixesOverride: Int?
    /// The approved plan this run applies (`plan apply`, DESIGN §4.6): the run looks up
    /// `paymentIds` and writes a payment's repairs only when the fresh decision equals the plan's;
    /// the plan's approval stands in for the run's limits. Nil for every other run.
    public var planId: Int64?

    /// Creates a request; the defaults are a nightly run in apply mode.
    public init(
        trigger: RunTrigger = .manual, dryRun: Bool = false, since: RFC3339.Timestamp? = nil,
        until: RFC3339.Timestamp? = nil, paymentIds: [String] = [], full: Bool = false, maxFixesOverride: Int? = nil,
        planId: Int64? = nil
    ) {
        self.trigger = trigger
        self.dryRun = dryRun
        self.since = since
        self.until = until
        self.paymentIds = paymentIds
        self.full = full
        self.maxFixesOverride = maxFixesOverride
        self.planId = planId
    }
}
