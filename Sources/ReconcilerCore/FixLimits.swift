/// The run-level safety limits of ARCHITECTURE §5.5: too many repairs, or one too big, and none of
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
        var tally = Tally(maxCreditsPerFix: policy.maxCreditsPerFix)
        tally.add(repairs)
        return tally.check(policy: policy, maxFixesOverride: maxFixesOverride)
    }

    /// What ``check(repairs:policy:maxFixesOverride:)`` needs of a run's repairs, counted as they
    /// are found, so a run with tens of thousands of them need not hold them to check the limits.
    public struct Tally: Sendable {
        /// The applicable repairs counted.
        public private(set) var applicable = 0
        /// The most credits one applicable repair moves.
        public private(set) var largest: Int64 = 0
        /// Applicable repairs moving more than `maxCreditsPerFix`, as (payment id, credits).
        private var oversized: [(paymentId: String, credits: Int64)] = []
        /// `policy.maxCreditsPerFix`.
        public let maxCreditsPerFix: Int64

        /// No repairs yet; `maxCreditsPerFix` is the policy's.
        public init(maxCreditsPerFix: Int64) {
            self.maxCreditsPerFix = maxCreditsPerFix
        }

        /// Counts `repairs` (planned-only ones are skipped).
        public mutating func add(_ repairs: [Repair]) {
            for repair in repairs where repair.isAutoApplicable {
                applicable += 1
                largest = max(largest, repair.credits)
                if repair.credits > maxCreditsPerFix { oversized.append((repair.paymentId, repair.credits)) }
            }
        }

        /// `FIX_LIMIT_EXCEEDED` for what was counted, else nil (`policy.maxCreditsPerFix` is the
        /// tally's own).
        public func check(policy: Configuration.Policy, maxFixesOverride: Int?) -> Discrepancy? {
            let maxFixes = maxFixesOverride ?? policy.maxFixesPerRun
            // By payment id (stable), so the listing does not depend on the order pages arrived in.
            let oversized = oversized.enumerated()
                .sorted { ($0.element.paymentId, $0.offset) < ($1.element.paymentId, $1.offset) }.map(\.element)
            let tooMany = applicable > maxFixes
            guard tooMany || !oversized.isEmpty else { return nil }
            var reasons: [String] = []
            if tooMany {
                reasons.append(
                    "\(applicable) repairs are planned, more than the limit of \(maxFixes)\(maxFixesOverride == nil ? " (policy.maxFixesPerRun)" : " (--max-fixes)")"
                )
            }
            if !oversized.isEmpty {
                let listed = oversized.prefix(5).map { "\($0.paymentId): \(Wording.credits($0.credits))" }
                reasons.append(
                    "\(oversized.count) \(oversized.count == 1 ? "repair moves" : "repairs move") more than policy.maxCreditsPerFix = \(Wording.credits(policy.maxCreditsPerFix)) (\(listed.joined(separator: ", "))\(oversized.count > 5 ? ", ..." : ""))"
                )
            }
            return Discrepancy(
                kind: .fixLimitExceeded, paymentId: nil, userId: nil,
                expected: Reconciler.object([
                    "maxFixes": .integer(Int64(maxFixes)), "maxCreditsPerFix": .integer(policy.maxCreditsPerFix),
                ]),
                actual: Reconciler.object([
                    "fixes": .integer(Int64(applicable)), "largestFix": .integer(largest),
                    "oversizedPaymentIds": .array(oversized.map { .string($0.paymentId) }),
                ]),
                detail: "No repair was applied: " + reasons.joined(separator: "; ") + "."
            )
        }
    }
}
