import Foundation
import ReconcilerCore
import Testing
import WireFormat

@Suite struct RepairPlanTests {
    static let facts = PlanFacts(
        status: "PARTIAL_CANCELLED", totalAmount: 30_000, cancelledAmount: 10_000,
        cancellations: [.init(id: "c-2", amount: 4_000), .init(id: "c-1", amount: 6_000)], ledgerPurchase: 330,
        ledgerRefund: 0, balance: 500)

    static func grant(_ payment: String = "pay-1", credits: Int64 = 330, user: String = "user-1") -> PlannedRepair {
        PlannedRepair(
            repair: Repair(
                kind: .missedGrant, paymentId: payment, userId: user, packageId: "basic", credits: credits,
                ledgerAmount: credits, cancellationId: nil, description: "grant", isAutoApplicable: true),
            facts: facts)
    }

    static func refund(_ payment: String = "pay-1", credits: Int64 = 110, cancellation: String? = "c-2")
        -> PlannedRepair
    {
        PlannedRepair(
            repair: Repair(
                kind: .missedRefund, paymentId: payment, userId: "user-1", packageId: "basic", credits: credits,
                ledgerAmount: -credits, cancellationId: cancellation, description: "refund", isAutoApplicable: true),
            facts: facts)
    }

    static let base = RepairPlan(repairs: [grant(), refund(), grant("pay-2", credits: 100)])

    /// One change to one field of one repair (or its facts) of `base`.
    struct Change: Sendable, CustomTestStringConvertible {
        var name: String
        var change: @Sendable (inout PlannedRepair) -> Void
        var testDescription: String { name }
    }

    static let changes: [Change] = [
        Change(name: "kind") { $0.repair.kind = .missedRefund },
        Change(name: "payment id") { $0.repair.paymentId = "pay-9" },
        Change(name: "user id") { $0.repair.userId = "user-9" },
        Change(name: "package id") { $0.repair.packageId = "pro" },
        Change(name: "credits") { $0.repair.credits += 1 },
        Change(name: "ledger amount") { $0.repair.ledgerAmount -= 1 },
        Change(name: "cancellation id set") { $0.repair.cancellationId = "c-1" },
        Change(name: "status") { $0.facts.status = "PAID" },
        Change(name: "total amount") { $0.facts.totalAmount += 1 },
        Change(name: "cancelled amount") { $0.facts.cancelledAmount += 1 },
        Change(name: "a cancellation's amount") { $0.facts.cancellations[0].amount += 1 },
        Change(name: "a cancellation's id") { $0.facts.cancellations[0].id = "c-0" },
        Change(name: "a cancellation more") { $0.facts.cancellations.append(.init(id: "c-3", amount: 1)) },
        Change(name: "a cancellation less") { $0.facts.cancellations.removeLast() },
        Change(name: "ledger PURCHASE sum") { $0.facts.ledgerPurchase += 1 },
        Change(name: "ledger REFUND sum") { $0.facts.ledgerRefund -= 1 },
        Change(name: "balance") { $0.facts.balance = 499 },
        Change(name: "balance to no Credit row") { $0.facts.balance = nil },
    ]

    @Test(arguments: changes, 0..<3)
    func hashChangesWithAnyRepairOrFact(change: Change, index: Int) {
        var repairs = Self.base.repairs
        change.change(&repairs[index])
        guard repairs[index] != Self.base.repairs[index] else { return }  // e.g. a kind already the one set
        #expect(RepairPlan(repairs: repairs).hash != Self.base.hash)
    }

    /// Changes that are not facts or money: the hash stays.
    static let neutral: [Change] = [
        Change(name: "description (locale wording)") { $0.repair.description = "다른 설명" },
        Change(name: "auto-applicable flag") { $0.repair.isAutoApplicable.toggle() },
        Change(name: "cancellations listed in another order") { $0.facts.cancellations.reverse() },
    ]

    @Test(arguments: neutral)
    func hashIgnoresWordingAndOrder(change: Change) {
        var repairs = Self.base.repairs
        change.change(&repairs[0])
        // Built again: the facts' initializer sorts the cancellations as the canonical form does.
        repairs[0].facts = PlanFacts(
            status: repairs[0].facts.status, totalAmount: repairs[0].facts.totalAmount,
            cancelledAmount: repairs[0].facts.cancelledAmount, cancellations: repairs[0].facts.cancellations,
            ledgerPurchase: repairs[0].facts.ledgerPurchase, ledgerRefund: repairs[0].facts.ledgerRefund,
            balance: repairs[0].facts.balance)
        #expect(RepairPlan(repairs: repairs).hash == Self.base.hash)
    }

    @Test func hashIgnoresTheOrderOfRepairs() {
        for permutation in [[0, 1, 2], [2, 1, 0], [1, 0, 2], [1, 2, 0], [0, 2, 1], [2, 0, 1]] {
            let plan = RepairPlan(repairs: permutation.map { Self.base.repairs[$0] })
            #expect(plan.hash == Self.base.hash)
            #expect(plan.canonicalText == Self.base.canonicalText)
        }
    }

    @Test func hashIsSHA256OfTheCanonicalText() {
        #expect(Self.base.hash == SHA256.hex(Self.base.canonicalText))
        #expect(Self.base.hash.count == 64)
        #expect(Self.base.canonicalText.hasPrefix(#"{"repairs":[{"cancellationId":null,"credits":330,"#))
        #expect(RepairPlan(repairs: []).canonicalText == #"{"repairs":[],"version":1}"#)
    }

    @Test func addingOrRemovingARepairChangesTheHash() {
        #expect(RepairPlan(repairs: Array(Self.base.repairs.dropLast())).hash != Self.base.hash)
        #expect(RepairPlan(repairs: Self.base.repairs + [Self.refund("pay-3")]).hash != Self.base.hash)
    }

    @Test func storedFormRoundTrips() throws {
        for repair in Self.base.repairs {
            let text = repair.storedJSON.serialized()
            let read = try #require(PlannedRepair(stored: try JSONValue.parse(Data(text.utf8))))
            #expect(read.key == repair.key)
            #expect(read.facts == repair.facts)
            #expect(read.canonicalJSON == repair.canonicalJSON)
            #expect(read.repair.description == repair.repair.description)
        }
        #expect(PlannedRepair(stored: .object(["kind": .string("MISSED_GRANT")])) == nil)
    }

    @Test func totalsAndPayments() {
        #expect(Self.base.creditsGranted == 430)
        #expect(Self.base.creditsDeducted == 110)
        #expect(Self.base.paymentIds == ["pay-1", "pay-2"])
        #expect(Self.base.repairs(of: "pay-1").count == 2)
    }

    struct Comparison: Sendable, CustomTestStringConvertible {
        var name: String
        var fresh: [Repair]
        var equal: Bool
        var testDescription: String { name }
    }

    static let comparisons: [Comparison] = [
        Comparison(name: "same repairs", fresh: [grant().repair, refund().repair], equal: true),
        Comparison(name: "same repairs, other order", fresh: [refund().repair, grant().repair], equal: true),
        Comparison(
            name: "same money, other wording",
            fresh: [
                {
                    var repair = grant().repair
                    repair.description = "other"
                    return repair
                }(), refund().repair,
            ], equal: true),
        Comparison(name: "nothing to do any more", fresh: [], equal: false),
        Comparison(name: "grant only (the refund is gone)", fresh: [grant().repair], equal: false),
        Comparison(
            name: "a bigger refund (refunded again)", fresh: [grant().repair, refund(credits: 220).repair],
            equal: false),
        Comparison(
            name: "a refund of a newer cancellation", fresh: [grant().repair, refund(cancellation: "c-3").repair],
            equal: false),
        Comparison(name: "another user", fresh: [grant(user: "user-2").repair, refund().repair], equal: false),
        Comparison(
            name: "one repair more", fresh: [grant().repair, refund().repair, refund(cancellation: "c-1").repair],
            equal: false),
    ]

    @Test(arguments: comparisons)
    func freshDecisionEqualsPlanned(row: Comparison) {
        #expect(RepairPlan.freshDecision(row.fresh, equals: [Self.grant(), Self.refund()]) == row.equal)
    }
}
