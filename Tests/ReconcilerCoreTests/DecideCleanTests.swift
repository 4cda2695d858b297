import Foundation
import ReconcilerCore
import Testing

/// `Reconciler.decideClean` decides from a ledger summary only what the full decision would
/// decide with nothing to repair and nothing to report, and gives the same outcome: over the
/// generated payments and ledgers of `IdempotenceTests`, varied by store, version, channel,
/// settling, status, user mapping, foreign and USAGE rows, users present or absent, and every
/// policy that changes a decision.
@Suite struct DecideCleanTests {
    typealias F = Fixture

    /// A scenario varied in one way the decision gates on.
    static let variations: [(name: String, change: @Sendable (inout IdempotenceTests.Scenario) -> Void)] = [
        ("as generated", { _ in }),
        ("other store", { $0.payment.storeId = "store-other" }),
        ("V1", { $0.payment.isV1 = true }),
        ("test channel", { $0.payment.channel = .test }),
        ("in flight", { $0.payment.statusChangedAt = F.ago(seconds: 5) }),
        ("unknown status", { $0.payment.status = .unknown("HOLD") }),
        ("custom data problem", { $0.payment.customDataProblem = "customData is not JSON" }),
        (
            "no user mapping",
            {
                $0.payment.customDataUserId = nil
                $0.payment.customerId = nil
            }
        ),
        (
            "customer id only",
            {
                $0.payment.customDataUserId = nil
                $0.payment.customerId = "user_1"
            }
        ),
        (
            "a row of another user",
            { $0.ledger.append(F.purchase(100, id: "foreign", user: "user_2", payment: $0.payment.id)) }
        ),
        (
            "every row by another user",
            { scenario in
                scenario.ledger = scenario.ledger.map { row in
                    var row = row
                    row.userId = "user_2"
                    return row
                }
            }
        ),
        (
            "a USAGE row with the payment id",
            { scenario in
                scenario.ledger.append(
                    LedgerEntry(
                        id: "usage", userId: "user_1", amount: -40, type: .usage, description: nil,
                        paymentId: scenario.payment.id, createdAt: Date(timeIntervalSince1970: 1_764_000_200)))
            }
        ),
        (
            "a row of another payment",
            { $0.ledger.append(F.purchase(100, id: "other", payment: "pay_other")) }
        ),
    ]

    /// The users a database consistent with the app's foreign key can hold: the mapped user
    /// with the scenario's balance, and no user at all when no row names one.
    static func userMaps(for scenario: IdempotenceTests.Scenario) -> [[String: UserAccount]] {
        var maps = [F.users(balance: scenario.balance)]
        let rowsUsers = Set(scenario.ledger.map(\.userId))
        if rowsUsers.contains("user_2") {
            maps = maps.map { $0.merging(["user_2": UserAccount(id: "user_2", balance: 10)]) { a, _ in a } }
        }
        if rowsUsers.isEmpty { maps.append([:]) }
        return maps
    }

    @Test(arguments: Configuration.Rounding.allCases, Configuration.RefundShortfall.allCases)
    func aCleanDecisionFromTheSummaryEqualsTheFullDecision(
        rounding: Configuration.Rounding, shortfall: Configuration.RefundShortfall
    ) {
        var compared = 0
        var clean = 0
        var fullClean = 0
        for grantTests in [false, true] {
            let configuration = F.configuration {
                $0.partialRefundRounding = rounding
                $0.refundShortfall = shortfall
                $0.grantTestPayments = grantTests
            }
            // The balance enters no clean decision: three of the generated ones are enough here.
            for base in IdempotenceTests.scenarios() where [nil, 5, 10_000].contains(base.balance) {
                for variation in Self.variations {
                    var scenario = base
                    variation.change(&scenario)
                    let summary = LedgerSummary(paymentId: scenario.payment.id, ledger: scenario.ledger)
                    let quick = Reconciler.decideClean(
                        payment: scenario.payment, summary: summary, configuration: configuration, storeId: F.store,
                        now: F.now)
                    for users in Self.userMaps(for: scenario) {
                        compared += 1
                        let full = Reconciler.decide(
                            payment: scenario.payment, ledger: scenario.ledger, users: users,
                            configuration: configuration, storeId: F.store, now: F.now)
                        let fullIsClean = full.repairs.isEmpty && full.discrepancies.isEmpty
                        if fullIsClean { fullClean += 1 }
                        if let quick {
                            clean += 1
                            if quick != full {
                                Issue.record("\(variation.name) \(scenario): summary gave \(quick), rows gave \(full)")
                            }
                        } else if fullIsClean, summary.purchases + summary.refunds > 0,
                            summary.lowestUserId == summary.highestUserId
                        {
                            // One user wrote every counted row: the summary has all the decision needs.
                            Issue.record("\(variation.name) \(scenario): clean by its rows, not by its summary")
                        }
                    }
                }
            }
        }
        #expect(compared > 30_000)
        #expect(clean > 0 && clean <= fullClean)
    }

    /// The common cases a page is made of are decided from the summary.
    @Test(arguments: [
        ("paid, granted", F.payment(), [F.purchase(100)], PaymentOutcome.Classification.matched),
        (
            "partly refunded, deducted", F.payment("basic", cancellations: [F.cancellation("c1", 10_000)]),
            [F.purchase(330), F.refund(110)], .matched
        ),
        (
            "fully refunded, deducted", F.payment(status: .cancelled, cancellations: [F.cancellation("c1", 10_000)]),
            [F.purchase(100), F.refund(100)], .matched
        ),
        ("never paid, no rows", F.payment(status: .failed, paid: false), [], .failedWithoutLedger),
        ("pending, no rows", F.payment(status: .payPending, paid: false), [], .pending),
        ("in flight", F.payment(statusChangedAt: F.ago(seconds: 1)), [], .inFlight),
        ("V1", F.payment(isV1: true), [], .v1),
    ])
    func commonCasesAreCleanFromTheSummary(
        name: String, payment: PaymentFacts, ledger: [LedgerEntry], classification: PaymentOutcome.Classification
    ) throws {
        let outcome = try #require(
            Reconciler.decideClean(
                payment: payment, summary: LedgerSummary(paymentId: payment.id, ledger: ledger),
                configuration: F.configuration(), storeId: F.store, now: F.now), "\(name)")
        #expect(outcome.classification == classification, "\(name)")
        #expect(outcome == F.decide(payment, ledger: ledger), "\(name)")
    }

    /// What needs the rows or the account is never decided from the summary.
    @Test(arguments: [
        ("missed grant", F.payment(), [LedgerEntry]()),
        (
            "missed refund", F.payment(status: .cancelled, cancellations: [F.cancellation("c1", 10_000)]),
            [F.purchase(100)]
        ),
        ("duplicate grant", F.payment(), [F.purchase(100, id: "a"), F.purchase(100, id: "b")]),
        ("wrong amount", F.payment(), [F.purchase(90)]),
        ("foreign user", F.payment(), [F.purchase(100, user: "user_2")]),
        ("two users", F.payment(), [F.purchase(100), F.refund(0, user: "user_2")]),
        ("grant without payment", F.payment(status: .failed, paid: false), [F.purchase(100)]),
        ("no package", F.payment("unknown-package"), [F.purchase(100)]),
    ])
    func suspectsAreLeftToTheFullDecision(name: String, payment: PaymentFacts, ledger: [LedgerEntry]) {
        let summary = LedgerSummary(paymentId: payment.id, ledger: ledger)
        #expect(
            Reconciler.decideClean(
                payment: payment, summary: summary, configuration: F.configuration(), storeId: F.store, now: F.now)
                == nil, "\(name)")
    }

    /// The summary counts what the database counts: rows of any type, PURCHASE and REFUND
    /// counts and sums, the users of those rows in byte order, only rows of the payment.
    @Test func theSummaryOfRows() {
        let ledger = [
            F.purchase(100, id: "a", user: "user_b"), F.refund(30, id: "b", user: "user_a"),
            F.refund(20, id: "c", user: "user_b"),
            LedgerEntry(
                id: "d", userId: "user_z", amount: -5, type: .usage, description: nil, paymentId: "pay_1",
                createdAt: Date(timeIntervalSince1970: 0)),
            F.purchase(999, id: "e", user: "user_0", payment: "pay_2"),
        ]
        let summary = LedgerSummary(paymentId: "pay_1", ledger: ledger, hasOpenDiscrepancy: true)
        #expect(
            summary
                == LedgerSummary(
                    rows: 4, purchases: 1, purchaseTotal: 100, refunds: 2, refundTotal: -50, lowestUserId: "user_a",
                    highestUserId: "user_b", hasOpenDiscrepancy: true))
        #expect(
            LedgerSummary(paymentId: "pay_9", ledger: ledger)
                == LedgerSummary(
                    rows: 0, purchases: 0, purchaseTotal: 0, refunds: 0, refundTotal: 0, lowestUserId: nil,
                    highestUserId: nil, hasOpenDiscrepancy: false))
    }
}
