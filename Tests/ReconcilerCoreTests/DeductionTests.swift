import ReconcilerCore
import Testing

/// `round(K × C / T)` against an independent reference: the definitions of the roundings as
/// inequalities on integers, searched by brute force rather than computed by division.
@Suite struct DeductionTests {
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
                    let got = Reconciler.expectedDeduction(
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
            Reconciler.expectedDeduction(credits: credits, cancelled: cancelled, total: total, rounding: rounding)
                == expected)
    }

    @Test(arguments: Configuration.Rounding.allCases)
    func neverOverflows(rounding: Configuration.Rounding) {
        let max = Int64.max
        #expect(Reconciler.expectedDeduction(credits: max, cancelled: max, total: max, rounding: rounding) == max)
        #expect(
            Reconciler.expectedDeduction(credits: max, cancelled: max - 1, total: max, rounding: rounding) == max - 1)
        // K·C/T = (2^63 − 1)/2 = 2^62 − 0.5: the half rounds up for nearest and up, down for down
        let half = Reconciler.expectedDeduction(credits: max, cancelled: 1, total: 2, rounding: rounding)
        #expect(half == (rounding == .down ? max / 2 : max / 2 + 1))
        #expect(Reconciler.expectedDeduction(credits: 3, cancelled: max / 3, total: max, rounding: rounding) <= 1)
    }

    @Test(arguments: [
        (Int64(0), Int64(5), Int64(10)), (-5, 5, 10), (10, 0, 10), (10, -3, 10), (10, 5, 0), (10, 5, -1),
    ])
    func degenerateInputsDeductNothing(credits: Int64, cancelled: Int64, total: Int64) {
        for rounding in Configuration.Rounding.allCases {
            #expect(
                Reconciler.expectedDeduction(credits: credits, cancelled: cancelled, total: total, rounding: rounding)
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
        #expect(Reconciler.succeededCancellationTotal(of: payment) == 4000)
        let over = Fixture.payment(
            status: .cancelled,
            cancellations: [Fixture.cancellation("a", .max), Fixture.cancellation("b", .max)])
        #expect(Reconciler.succeededCancellationTotal(of: over) == 10_000)
    }
}
