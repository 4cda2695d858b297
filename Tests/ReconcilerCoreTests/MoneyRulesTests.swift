import ReconcilerCore
import Testing

/// The money rules of `MoneyRules`, each by a table of named cases and, where the definition
/// can be searched, against a brute-force reference over every small input.
///
/// `round(K × C / T)` against an independent reference: the definitions of the roundings as
/// inequalities on integers, searched by brute force rather than computed by division.
@Suite struct MoneyRulesTests {
    /// The d the definition asks for, found by trying every candidate 0...K.
    static func reference(credits k: Int64, cancelled c: Int64, total t: Int64, rounding: Configuration.Rounding)
        -> Int64
    {
        let c = min(c, t)
        let exact = k * c  // the deduction times T
        let candidates = Array(0...k)
        let result: Int64
        switch rounding {
        // the least d with d·T ≥ K·C
        case .up: result = candidates.first { $0 * t >= exact }!
        // the greatest d with d·T ≤ K·C
        case .down: result = candidates.last { $0 * t <= exact }!
        // the d with the least |d·T − K·C|, the larger one on a tie
        case .nearest:
            result = candidates.min {
                let a = abs($0 * t - exact)
                let b = abs($1 * t - exact)
                return a != b ? a < b : $0 > $1
            }!
        }
        return min(result, k)
    }

    @Test(arguments: Configuration.Rounding.allCases)
    func matchesTheReferenceExhaustively(rounding: Configuration.Rounding) {
        var checked = 0
        for total in Int64(1)...24 {
            for credits in Int64(0)...30 {
                for cancelled in Int64(0)...(total + 3) {
                    let got = MoneyRules.expectedDeduction(
                        credits: credits, cancelled: cancelled, total: total, rounding: rounding)
                    let want = Self.reference(credits: credits, cancelled: cancelled, total: total, rounding: rounding)
                    if got != want {
                        Issue.record("K=\(credits) C=\(cancelled) T=\(total) \(rounding): got \(got), want \(want)")
                    }
                    checked += 1
                }
            }
        }
        #expect(checked == 31 * (300 + 4 * 24))  // 31 values of K times Σ (T + 4) over T = 1...24
    }

    @Test(arguments: [
        // the shop's prices: 330 credits for 30,000 KRW, 10,001 KRW cancelled
        (Int64(330), Int64(10_001), Int64(30_000), Configuration.Rounding.up, Int64(111)),
        (330, 10_001, 30_000, .down, 110),
        (330, 10_001, 30_000, .nearest, 110),
        (1300, 60_000, 120_000, .nearest, 650),
        (600, 50_000, 50_000, .down, 600),
        (600, 49_999, 50_000, .up, 600),
        (600, 49_999, 50_000, .down, 599),
        (600, 1, 50_000, .up, 1),
        (600, 1, 50_000, .nearest, 0),
    ])
    func shopPrices(credits: Int64, cancelled: Int64, total: Int64, rounding: Configuration.Rounding, expected: Int64) {
        #expect(
            MoneyRules.expectedDeduction(credits: credits, cancelled: cancelled, total: total, rounding: rounding)
                == expected)
    }

    @Test(arguments: Configuration.Rounding.allCases)
    func neverOverflows(rounding: Configuration.Rounding) {
        let max = Int64.max
        #expect(MoneyRules.expectedDeduction(credits: max, cancelled: max, total: max, rounding: rounding) == max)
        #expect(
            MoneyRules.expectedDeduction(credits: max, cancelled: max - 1, total: max, rounding: rounding) == max - 1)
        // K·C/T = (2^63 − 1)/2 = 2^62 − 0.5: the half rounds up for nearest and up, down for down
        let half = MoneyRules.expectedDeduction(credits: max, cancelled: 1, total: 2, rounding: rounding)
        #expect(half == (rounding == .down ? max / 2 : max / 2 + 1))
        #expect(MoneyRules.expectedDeduction(credits: 3, cancelled: max / 3, total: max, rounding: rounding) <= 1)
    }

    @Test(arguments: [
        (Int64(0), Int64(5), Int64(10)), (-5, 5, 10), (10, 0, 10), (10, -3, 10), (10, 5, 0), (10, 5, -1),
    ])
    func degenerateInputsDeductNothing(credits: Int64, cancelled: Int64, total: Int64) {
        for rounding in Configuration.Rounding.allCases {
            #expect(
                MoneyRules.expectedDeduction(credits: credits, cancelled: cancelled, total: total, rounding: rounding)
                    == 0)
        }
    }

    @Test func onlySucceededCancellationsCountAndTheSumIsCapped() {
        let payment = Fixture.payment(
            status: .partialCancelled,
            cancellations: [
                Fixture.cancellation("a", 4000), Fixture.cancellation("b", 4000, .requested),
                Fixture.cancellation("c", 4000, .failed), Fixture.cancellation("d", 4000, .unknown("X")),
                Fixture.cancellation("e", -100),
            ])
        #expect(MoneyRules.succeededCancellationTotal(of: payment) == 4000)
        let over = Fixture.payment(
            status: .cancelled,
            cancellations: [Fixture.cancellation("a", .max), Fixture.cancellation("b", .max)])
        #expect(MoneyRules.succeededCancellationTotal(of: over) == 10_000)
    }

    /// The cancelled amounts of a 30,000 KRW payment of 330 credits, the rounding, and the
    /// deduction: taken over their sum C, rounded once.
    static let cumulative: [([Int64], Configuration.Rounding, Int64)] = [
        ([10_001, 10_001], .up, 221),  // per cancellation: 111 + 111
        ([10_001, 10_001], .down, 220),
        ([10_001, 10_001, 9_998], .up, 330),  // the whole amount: exactly K
        ([1, 1, 1], .up, 1),  // per cancellation: 1 + 1 + 1
        ([1, 1, 1], .nearest, 0),
        ([20_000, 20_000], .down, 330),  // more than T: capped at K
    ]

    @Test(arguments: cumulative)
    func deductionIsCumulativeAndRoundedOnce(amounts: [Int64], rounding: Configuration.Rounding, expected: Int64) {
        let payment = Fixture.payment(
            "basic", status: .partialCancelled,
            cancellations: amounts.enumerated().map { Fixture.cancellation("c\($0.offset)", $0.element) })
        let cancelled = MoneyRules.succeededCancellationTotal(of: payment)
        #expect(
            MoneyRules.expectedDeduction(credits: 330, cancelled: cancelled, total: 30_000, rounding: rounding)
                == expected)
    }

    // MARK: - Grant

    /// Status, whether PortOne reports `paidAt`, and whether money was ever received.
    static let paidStates: [(PaymentFacts.Status, Bool, Bool)] = [
        (.paid, true, true),
        (.paid, false, true),
        (.partialCancelled, true, true),
        (.partialCancelled, false, true),
        (.cancelled, true, true),
        (.cancelled, false, false),
        (.ready, false, false),
        (.ready, true, false),
        (.payPending, false, false),
        (.virtualAccountIssued, false, false),
        (.failed, false, false),
        (.failed, true, false),
        (.unknown("PAY_SCHEDULED"), true, false),
    ]

    @Test(arguments: paidStates)
    func grantsThePackageOnlyWhenMoneyWasEverReceived(status: PaymentFacts.Status, hasPaidAt: Bool, wasPaid: Bool) {
        let payment = Fixture.payment(status: status, paid: hasPaidAt)
        #expect(MoneyRules.wasEverPaid(payment) == wasPaid)
        for credits in [Int64(0), 1, 100, 1300, .max] {
            #expect(MoneyRules.expectedGrant(credits: credits, for: payment) == (wasPaid ? credits : 0))
        }
    }

    // MARK: - Cap at what the ledger grants

    /// The expected deduction, the credits the ledger grants, and what may be deducted.
    static let caps: [(Int64, Int64, Int64)] = [
        (111, 330, 111),  // the usual case: the grant covers it
        (330, 330, 330),  // full cancellation
        (330, 100, 100),  // a wrong grant of 100 for a 330 package: take back no more than 100
        (330, 0, 0),  // nothing granted, nothing to take back
        (330, -50, 0),  // a negative grant counts as none
        (0, 330, 0),  // nothing cancelled
        (600, 1200, 600),  // a duplicate grant does not raise the deduction
        (.max, .max, .max),
        (.max, .min, 0),
    ]

    @Test(arguments: caps)
    func deductionIsCappedAtTheGrant(expected: Int64, granted: Int64, deductible: Int64) {
        #expect(MoneyRules.cappedDeduction(expected: expected, granted: granted) == deductible)
    }

    @Test func cappedDeductionMatchesItsDefinitionExhaustively() {
        // The greatest d in 0...expected with d ≤ granted (0 when there is none).
        for expected in Int64(0)...20 {
            for granted in Int64(-5)...25 {
                let want = (0...expected).last { $0 <= granted } ?? 0
                #expect(
                    MoneyRules.cappedDeduction(expected: expected, granted: granted) == want,
                    "expected \(expected), granted \(granted)")
            }
        }
    }

    // MARK: - Shortfall clamp

    /// What is owed, the balance, the policy, and what the repair collects.
    static let clamps: [(Int64, Int64, Configuration.RefundShortfall, Int64)] = [
        (111, 500, .clamp, 111),
        (111, 500, .allowNegative, 111),
        (111, 40, .clamp, 40),  // REFUND_SHORTFALL of 71
        (111, 40, .allowNegative, 111),  // the balance goes to -71
        (111, 0, .clamp, 0),
        (111, -20, .clamp, 0),  // a negative balance gives nothing
        (111, -20, .allowNegative, 111),
        (111, 111, .clamp, 111),
        (0, 500, .clamp, 0),  // nothing owed
        (0, 500, .allowNegative, 0),
        (-5, 500, .allowNegative, 0),
        (.max, .max, .clamp, .max),
        (.max, .min, .clamp, 0),
    ]

    @Test(arguments: clamps)
    func shortfallIsClampedUnlessPolicyAllowsNegative(
        owed: Int64, balance: Int64, policy: Configuration.RefundShortfall, collected: Int64
    ) {
        #expect(MoneyRules.collectible(owed: owed, balance: balance, shortfall: policy) == collected)
    }

    @Test(arguments: Configuration.RefundShortfall.allCases)
    func collectibleMatchesItsDefinitionExhaustively(policy: Configuration.RefundShortfall) {
        // The greatest c in 0...owed that the policy lets the balance pay (every c under
        // allowNegative; c ≤ balance under clamp).
        for owed in Int64(-3)...20 {
            for balance in Int64(-10)...25 {
                let want =
                    owed <= 0 ? 0 : (0...owed).last { policy == .allowNegative || $0 <= balance } ?? 0
                #expect(
                    MoneyRules.collectible(owed: owed, balance: balance, shortfall: policy) == want,
                    "owed \(owed), balance \(balance), \(policy)")
            }
        }
    }
}
