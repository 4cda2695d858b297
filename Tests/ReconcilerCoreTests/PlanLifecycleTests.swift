import Foundation
import ReconcilerCore
import Testing

@Suite struct PlanLifecycleTests {
    static let created = Date(timeIntervalSince1970: 1_800_000_000)
    static let ttl: Int64 = 86_400
    static let fresh = created.addingTimeInterval(3_600)
    static let old = created.addingTimeInterval(86_400)

    struct Row: Sendable, CustomTestStringConvertible {
        var state: PlanState
        var now: Date
        var approve: Result<PlanState, PlanRefusal>
        var apply: Result<PlanState, PlanRefusal>
        var testDescription: String { "\(state) at +\(Int(now.timeIntervalSince(PlanLifecycleTests.created)))s" }
    }

    /// Every state, within and past the TTL: what approving and applying do.
    static let rows: [Row] = [
        Row(state: .proposed, now: fresh, approve: .success(.approved), apply: .failure(.notApproved(planId: 7))),
        Row(state: .proposed, now: old, approve: .failure(.expired(planId: 7)), apply: .failure(.expired(planId: 7))),
        Row(
            state: .approved, now: fresh, approve: .failure(.alreadyApproved(planId: 7, by: "kim")),
            apply: .success(.applying)),
        Row(state: .approved, now: old, approve: .failure(.expired(planId: 7)), apply: .failure(.expired(planId: 7))),
        Row(
            state: .applying, now: fresh, approve: .failure(.alreadyApproved(planId: 7, by: "kim")),
            apply: .success(.applying)),
        // An interrupted apply is finished even past the TTL (each repair is decided again anyway).
        Row(
            state: .applying, now: old, approve: .failure(.alreadyApproved(planId: 7, by: "kim")),
            apply: .success(.applying)),
        Row(
            state: .applied, now: fresh, approve: .failure(.alreadyApplied(planId: 7)),
            apply: .failure(.alreadyApplied(planId: 7))),
        Row(
            state: .applied, now: old, approve: .failure(.alreadyApplied(planId: 7)),
            apply: .failure(.alreadyApplied(planId: 7))),
        Row(state: .expired, now: fresh, approve: .failure(.expired(planId: 7)), apply: .failure(.expired(planId: 7))),
        Row(
            state: .superseded, now: fresh, approve: .failure(.superseded(planId: 7, by: nil)),
            apply: .failure(.superseded(planId: 7, by: nil))),
        Row(
            state: .superseded, now: old, approve: .failure(.superseded(planId: 7, by: nil)),
            apply: .failure(.superseded(planId: 7, by: nil))),
    ]

    @Test(arguments: rows)
    func transitions(row: Row) {
        let approved = Result { () throws(PlanRefusal) in
            try PlanLifecycle.approve(
                planId: 7, row.state, approvedBy: "kim", by: "lee", note: "checked", createdAt: Self.created,
                now: row.now, ttl: Self.ttl)
        }
        #expect(approved == row.approve)
        let applying = Result { () throws(PlanRefusal) in
            try PlanLifecycle.startApply(planId: 7, row.state, createdAt: Self.created, now: row.now, ttl: Self.ttl)
        }
        #expect(applying == row.apply)
    }

    @Test(arguments: PlanState.allCases)
    func finishingAndSuperseding(state: PlanState) {
        #expect(PlanLifecycle.finishApply(state) == (state == .applying ? .applied : nil))
        let after = PlanLifecycle.onNewerPlan(state)
        #expect(after == ((state == .proposed || state == .approved) ? .superseded : state))
        #expect(state.isFinal == [.applied, .expired, .superseded].contains(state))
    }

    @Test(arguments: [("", "note"), ("  ", "note"), ("kim", ""), ("kim", " \n")])
    func approvalNeedsANameAndANote(by: String, note: String) {
        #expect(throws: PlanRefusal.self) {
            try PlanLifecycle.approve(
                planId: 1, .proposed, approvedBy: nil, by: by, note: note, createdAt: Self.created, now: Self.fresh,
                ttl: Self.ttl)
        }
    }

    @Test(arguments: [(Int64(0), false), (86_399, false), (86_400, true), (90_000, true)])
    func expiry(seconds: Int64, expired: Bool) {
        let now = Self.created.addingTimeInterval(Double(seconds))
        #expect(PlanLifecycle.isExpired(createdAt: Self.created, now: now, ttl: Self.ttl) == expired)
        #expect(
            PlanLifecycle.current(.proposed, createdAt: Self.created, now: now, ttl: Self.ttl)
                == (expired ? .expired : .proposed))
    }

    @Test(arguments: [
        PlanRefusal.unknown("9"), .alreadyApplied(planId: 1), .alreadyApproved(planId: 1, by: "kim"),
        .notApproved(planId: 1), .expired(planId: 1), .superseded(planId: 1, by: 2), .approvalIncomplete("x"),
    ])
    func everyRefusalSaysWhatToDo(refusal: PlanRefusal) {
        #expect(refusal.description.contains("credit-reconciler") || refusal.description.contains("plan approve"))
    }

    struct ClosureRow: Sendable, CustomTestStringConvertible {
        var grant: Int64, deduction: Int64, purchase: Int64, refund: Int64, explained: Bool
        var verdict: PaymentClosure
        var testDescription: String { "\(grant)-\(deduction) vs \(purchase)\(refund) explained=\(explained)" }
    }

    static let closures: [ClosureRow] = [
        ClosureRow(grant: 100, deduction: 0, purchase: 100, refund: 0, explained: false, verdict: .closedExactly),
        ClosureRow(grant: 100, deduction: 0, purchase: 100, refund: 0, explained: true, verdict: .closedExactly),
        ClosureRow(grant: 100, deduction: 34, purchase: 100, refund: -34, explained: false, verdict: .closedExactly),
        ClosureRow(grant: 0, deduction: 0, purchase: 0, refund: 0, explained: false, verdict: .closedExactly),
        ClosureRow(grant: 100, deduction: 100, purchase: 100, refund: -60, explained: true, verdict: .explained),
        ClosureRow(grant: 100, deduction: 0, purchase: 99, refund: 0, explained: false, verdict: .unexplained),
        ClosureRow(grant: 100, deduction: 0, purchase: 0, refund: 0, explained: false, verdict: .unexplained),
        ClosureRow(grant: 100, deduction: 50, purchase: 100, refund: 0, explained: false, verdict: .unexplained),
    ]

    @Test(arguments: closures)
    func closure(row: ClosureRow) {
        #expect(
            PaymentClosure.verdict(
                expectedGrant: row.grant, expectedDeduction: row.deduction, ledgerPurchase: row.purchase,
                ledgerRefund: row.refund, explained: row.explained) == row.verdict)
    }
}
