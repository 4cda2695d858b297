/// The run-level safety limits of DESIGN §4.5: too many repairs, or one too big, and none of
/// them is applied.
public enum FixLimits {
    /// `FIX_LIMIT_EXCEEDED` when the run's applicable repairs (those with
    /// ``Repair/isAutoApplicable``; planned-only repairs are never written and do not count) are
    /// more than `maxFixesOverride ?? policy.maxFixesPerRun`, or when any of them moves more than
    /// `policy.maxCreditsPerFix` credits; else nil. When it returns a discrepancy, the engine
    /// applies none of the repairs and reports them all as planned.
    ///
    /// The override (`run --max-fixes N`) lifts the count only; a repair above
    /// `maxCreditsPerFix` needs the policy changed, because it is a single suspicious amount.
    public static func check(
        repairs: [Repair], policy: Configuration.Policy, maxFixesOverride: Int?
    ) -> Discrepancy? {
        let applicable = repairs.filter(\.isAutoApplicable)
        let maxFixes = maxFixesOverride ?? policy.maxFixesPerRun
        let oversized = applicable.filter { $0.credits > policy.maxCreditsPerFix }
        let tooMany = applicable.count > maxFixes
        guard tooMany || !oversized.isEmpty else { return nil }
        var reasons: [String] = []
        if tooMany {
            reasons.append(
                "\(applicable.count) repairs are planned, more than the limit of \(maxFixes)\(maxFixesOverride == nil ? " (policy.maxFixesPerRun)" : " (--max-fixes)")"
            )
        }
        if !oversized.isEmpty {
            let listed = oversized.prefix(5).map { "\($0.paymentId): \(Wording.credits($0.credits))" }
            reasons.append(
                "\(oversized.count) \(oversized.count == 1 ? "repair moves" : "repairs move") more than policy.maxCreditsPerFix = \(Wording.credits(policy.maxCreditsPerFix)) (\(listed.joined(separator: ", "))\(oversized.count > 5 ? ", ..." : ""))"
            )
        }
        let largest = applicable.map(\.credits).max() ?? 0
        return Discrepancy(
            kind: .fixLimitExceeded, paymentId: nil, userId: nil,
            expected: Reconciler.object([
                "maxFixes": .integer(Int64(maxFixes)), "maxCreditsPerFix": .integer(policy.maxCreditsPerFix),
            ]),
            actual: Reconciler.object([
                "fixes": .integer(Int64(applicable.count)), "largestFix": .integer(largest),
                "oversizedPaymentIds": .array(oversized.map { .string($0.paymentId) }),
            ]),
            detail: "No repair was applied: " + reasons.joined(separator: "; ") + "."
        )
    }
}
