import ReconcilerCore
import Testing

@Suite struct FixLimitsTests {
    static func repairs(_ credits: [Int64], applicable: Bool = true) -> [Repair] {
        credits.enumerated().map { index, credits in
            Repair(
                kind: .missedGrant, paymentId: "pay_\(index)", userId: "user_1", packageId: "starter",
                credits: credits, ledgerAmount: credits, cancellationId: nil, description: "x",
                isAutoApplicable: applicable)
        }
    }

    struct Row: Sendable, CustomTestStringConvertible {
        var name: String
        var repairs: [Repair]
        var maxFixes = 3
        var maxCredits: Int64 = 1000
        var override: Int?
        var exceeded: Bool
        var testDescription: String { name }

        /// The policy with the row's limits.
        var policy: Configuration.Policy {
            var policy = Configuration.Policy()
            policy.maxFixesPerRun = maxFixes
            policy.maxCreditsPerFix = maxCredits
            return policy
        }
    }

    static let rows: [Row] = [
        Row(name: "no repairs", repairs: [], exceeded: false),
        Row(name: "exactly the count limit", repairs: repairs([1, 2, 3]), exceeded: false),
        Row(name: "one over the count limit", repairs: repairs([1, 2, 3, 4]), exceeded: true),
        Row(name: "override lifts the count", repairs: repairs([1, 2, 3, 4]), override: 4, exceeded: false),
        Row(name: "override can also lower it", repairs: repairs([1, 2]), override: 1, exceeded: true),
        Row(name: "exactly maxCreditsPerFix", repairs: repairs([1000]), exceeded: false),
        Row(name: "one credit above maxCreditsPerFix", repairs: repairs([1001]), exceeded: true),
        Row(name: "override does not lift the credit limit", repairs: repairs([1001]), override: 100, exceeded: true),
        Row(
            name: "planned-only repairs do not count", repairs: repairs([5000, 1, 1, 1, 1], applicable: false),
            exceeded: false),
        Row(
            name: "planned-only next to applicable ones",
            repairs: repairs([1, 1, 1]) + repairs([1, 1], applicable: false), exceeded: false),
    ]

    @Test(arguments: rows)
    func check(_ row: Row) {
        let policy = row.policy
        let found = FixLimits.check(repairs: row.repairs, policy: policy, maxFixesOverride: row.override)
        #expect((found != nil) == row.exceeded)
        if let found {
            #expect(found.kind == .fixLimitExceeded)
            #expect(found.severity == .critical)
            #expect(found.deduplicationKey == "FIX_LIMIT_EXCEEDED")
            #expect(found.detail.hasPrefix("No repair was applied: "))
        }
    }

    @Test func theDiscrepancyNamesTheLimitsAndTheOffenders() throws {
        var policy = Configuration.Policy()
        policy.maxFixesPerRun = 1
        policy.maxCreditsPerFix = 500
        let found = try #require(
            FixLimits.check(repairs: Self.repairs([100, 600]), policy: policy, maxFixesOverride: nil))
        #expect(found.expected.serialized() == #"{"maxCreditsPerFix":500,"maxFixes":1}"#)
        #expect(found.actual.serialized() == #"{"fixes":2,"largestFix":600,"oversizedPaymentIds":["pay_1"]}"#)
        #expect(found.detail.contains("policy.maxFixesPerRun"))
        #expect(found.detail.contains("pay_1: 600 credits"))
    }

    /// The engine counts repairs as pages are decided, in whatever order the pages arrive: any
    /// split and order of the same repairs gives the same finding as the whole list at once.
    @Test(arguments: rows)
    func countingInPiecesInAnyOrderEqualsTheWholeList(_ row: Row) {
        let policy = row.policy
        let whole = FixLimits.check(repairs: row.repairs, policy: policy, maxFixesOverride: row.override)
        for order in [row.repairs, row.repairs.reversed()] {
            for pieceSize in 1...max(1, order.count) {
                var tally = FixLimits.Tally(maxCreditsPerFix: policy.maxCreditsPerFix)
                for start in stride(from: 0, to: order.count, by: pieceSize) {
                    tally.add(Array(order[start..<min(start + pieceSize, order.count)]))
                }
                let pieces = tally.check(policy: policy, maxFixesOverride: row.override)
                #expect(pieces?.detail == whole?.detail, "pieces of \(pieceSize)")
                #expect(pieces?.actual == whole?.actual)
                #expect(tally.applicable == row.repairs.filter(\.isAutoApplicable).count)
            }
        }
    }

    @Test func oversizedRepairsAreListedByPaymentIdWhateverTheOrderTheyCameIn() throws {
        var policy = Configuration.Policy()
        policy.maxCreditsPerFix = 10
        var tally = FixLimits.Tally(maxCreditsPerFix: 10)
        for index in [7, 3, 9, 1, 5, 0, 8, 2] {
            tally.add([Self.repairs(Array(repeating: 11, count: 10))[index]])
        }
        let found = try #require(tally.check(policy: policy, maxFixesOverride: nil))
        #expect(
            found.detail.contains(
                "8 repairs move more than policy.maxCreditsPerFix = 10 credits (pay_0: 11 credits, pay_1: 11 credits, pay_2: 11 credits, pay_3: 11 credits, pay_5: 11 credits, ...)"
            ))
        #expect(tally.largest == 11)
    }
}
