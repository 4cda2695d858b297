import Foundation
import ReconcilerCore
import Testing

@Suite struct CreditPackageTests {
    static let from = Date(timeIntervalSince1970: 1_765_292_400)  // 2025-12-10T00:00:00+09:00
    static let until = Date(timeIntervalSince1970: 1_767_970_800)  // 2026-01-10T00:00:00+09:00

    @Test(arguments: [
        (-1.0, false), (0.0, true), (1.0, true), (until.timeIntervalSince(from) - 0.001, true),
        (until.timeIntervalSince(from), false),
    ])
    func validityIsHalfOpen(offset: Double, expected: Bool) {
        let package = CreditPackage(
            id: "business", name: "비즈니스", price: 100_000, currency: "KRW", credits: 1300,
            validFrom: Self.from, validUntil: Self.until)
        #expect(package.isValid(at: Self.from.addingTimeInterval(offset)) == expected)
    }

    @Test func openEndedPackageIsAlwaysValid() {
        let package = CreditPackage(id: "starter", name: "스타터", price: 10_000, currency: "KRW", credits: 100)
        #expect(package.isValid(at: .distantPast))
        #expect(package.isValid(at: .distantFuture))
    }
}
