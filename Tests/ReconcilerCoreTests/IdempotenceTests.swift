import Foundation
import ReconcilerCore
import Testing

/// The property behind ARCHITECTURE §5.2: repairs move the ledger by the difference, so applying what
/// a decision returns and deciding again returns nothing more — over a generated table of
/// payments, cancellations, ledgers, balances and policies.
@Suite struct IdempotenceTests {
    typealias F = Fixture

    /// A state of the world before the first decision.
    struct Scenario: CustomStringConvertible {
        var payment: PaymentFacts
        var ledger: [LedgerEntry]
        var balance: Int64?

        var description: String {
            "\(payment.id) \(payment.status) cancellations=\(payment.cancellations.map { "\($0.totalAmount):\($0.status)" }) ledger=\(ledger.map { "\($0.type.rawValue):\($0.amount)" }) balance=\(balance.map(String.init) ?? "nil")"
        }
    }

    static let statuses: [(PaymentFacts.Status, Bool)] = [
        (.paid, true), (.partialCancelled, true), (.cancelled, true), (.cancelled, false), (.failed, false),
        (.payPending, false),
    ]

    /// Cancellations as fractions of the total, with their status.
    static let cancellationSets: [[(Int64, Int64, PaymentFacts.Cancellation.Status)]] = [
        [], [(1, 3, .succeeded)], [(1, 3, .succeeded), (1, 3, .succeeded)], [(1, 3, .succeeded), (1, 3, .requested)],
        [(1, 1, .succeeded)], [(3, 5, .succeeded), (3, 5, .succeeded)], [(1, 0, .succeeded)],
        [(1, 2, .unknown("HOLD")), (1, 4, .succeeded)], [(1, 2, .failed)],
    ]

    /// Ledger rows as multiples of K: (type, numerator, denominator, plus).
    static let ledgers: [[(CreditTransactionType, Int64, Int64, Int64)]] = [
        [], [(.purchase, 1, 1, 0)], [(.purchase, 1, 1, 0), (.refund, 0, 1, 10)],
        [(.purchase, 1, 1, 0), (.refund, 1, 1, 0)],
        [(.purchase, 1, 1, 0), (.purchase, 1, 1, 0)], [(.purchase, 1, 1, -7)], [(.refund, 1, 3, 0)],
    ]

    static let balances: [Int64?] = [nil, -20, 0, 5, 50, 10_000]
    static let autoFixSets: [Set<RepairKind>] = [
        [.missedGrant, .missedRefund], [.missedGrant], [.missedRefund], [],
    ]

    static func scenarios() -> [Scenario] {
        var result: [Scenario] = []
        var serial = 0
        for packageId in ["starter", "basic"] {
            let package = F.catalog.first { $0.id == packageId }!
            let (total, credits) = (package.price, package.credits)
            for (status, paid) in statuses {
                for cancellationSet in cancellationSets {
                    for ledgerShape in ledgers {
                        for balance in balances {
                            serial += 1
                            let id = "pay_\(serial)"
                            let cancellations = cancellationSet.enumerated().map { index, spec in
                                F.cancellation(
                                    "c\(index)", spec.1 == 0 ? 1 : total * spec.0 / spec.1, spec.2,
                                    minutesAgo: Int64(60 - index))
                            }
                            let ledger = ledgerShape.enumerated().map { index, spec in
                                let magnitude = credits * spec.1 / spec.2 + spec.3
                                return spec.0 == .purchase
                                    ? F.purchase(magnitude, id: "p\(index)", payment: id)
                                    : F.refund(magnitude, id: "r\(index)", payment: id)
                            }
                            result.append(
                                Scenario(
                                    payment: F.payment(
                                        packageId, id: id, status: status, cancellations: cancellations, paid: paid),
                                    ledger: ledger, balance: balance))
                        }
                    }
                }
            }
        }
        return result
    }

    /// What the engine does with a repair: a ledger row and a balance change.
    static func apply(_ repairs: [Repair], to ledger: inout [LedgerEntry], balance: inout Int64?) {
        for (index, repair) in repairs.enumerated() {
            ledger.append(
                LedgerEntry(
                    id: "fix\(ledger.count)-\(index)", userId: repair.userId, amount: repair.ledgerAmount,
                    type: repair.transactionType, description: repair.description, paymentId: repair.paymentId,
                    createdAt: Date(timeIntervalSince1970: 1_764_100_000)))
            balance = (balance ?? 0) + repair.ledgerAmount
        }
    }

    @Test(arguments: Configuration.Rounding.allCases, Configuration.RefundShortfall.allCases)
    func decidingAfterTheRepairsRepairsNothing(
        rounding: Configuration.Rounding, shortfall: Configuration.RefundShortfall
    ) {
        let scenarios = Self.scenarios()
        var decisions = 0
        var repaired = 0
        for autoFix in Self.autoFixSets {
            let policy = F.policy {
                $0.partialRefundRounding = rounding
                $0.refundShortfall = shortfall
                $0.autoFix = autoFix
            }
            for scenario in scenarios {
                let first = F.decide(
                    scenario.payment, ledger: scenario.ledger, users: F.users(balance: scenario.balance), policy: policy
                )

                // Everything applied: nothing left to repair, nothing new to report.
                var ledger = scenario.ledger
                var balance = scenario.balance
                Self.apply(first.repairs, to: &ledger, balance: &balance)
                let second = F.decide(
                    scenario.payment, ledger: ledger, users: F.users(balance: balance), policy: policy)
                decisions += 2
                if !first.repairs.isEmpty { repaired += 1 }
                if !second.repairs.isEmpty {
                    Issue.record("\(scenario): repairs after applying \(first.repairs): \(second.repairs)")
                }
                if !Set(second.discrepancies.map(\.kind)).isSubset(of: first.discrepancies.map(\.kind)) {
                    Issue.record("\(scenario): new discrepancies \(second.discrepancies.map(\.kind))")
                }
                if shortfall == .clamp, let before = scenario.balance, let after = balance, after < min(before, 0) {
                    Issue.record("\(scenario): clamp took the balance from \(before) to \(after)")
                }
                if let expected = second.expectedGrant, second.discrepancies.isEmpty {
                    #expect(second.actualGrant == expected)
                    #expect(second.actualDeduction == second.expectedDeduction)
                }

                // Only the applicable ones applied: what remains is planned-only.
                var partialLedger = scenario.ledger
                var partialBalance = scenario.balance
                Self.apply(first.applicable, to: &partialLedger, balance: &partialBalance)
                let third = F.decide(
                    scenario.payment, ledger: partialLedger, users: F.users(balance: partialBalance), policy: policy)
                decisions += 1
                if !third.applicable.isEmpty {
                    Issue.record(
                        "\(scenario): applicable repairs after applying the applicable ones: \(third.applicable)")
                }
            }
        }
        #expect(decisions == 3 * Self.autoFixSets.count * scenarios.count)
        #expect(repaired > 1000)
    }
}
