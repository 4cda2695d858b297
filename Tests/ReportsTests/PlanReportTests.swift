import Foundation
import ReconcilerCore
import Reports
import Testing
import WireFormat

/// What an approver reads of a plan: every format from one document, largest repairs first,
/// hostile text escaped, the hash everywhere.
@Suite struct PlanReportTests {
    static let facts = PlanFacts(
        status: "PAID", totalAmount: 50_000, cancelledAmount: 0, cancellations: [], ledgerPurchase: 0, ledgerRefund: 0,
        balance: 30)

    static func repair(_ payment: String, _ kind: RepairKind, _ credits: Int64, user: String = "user-1")
        -> PlannedRepair
    {
        PlannedRepair(
            repair: Repair(
                kind: kind, paymentId: payment, userId: user, packageId: "pro", credits: credits,
                ledgerAmount: kind == .missedGrant ? credits : -credits,
                cancellationId: kind == .missedGrant ? nil : "c-1", description: "d", isAutoApplicable: true),
            facts: facts)
    }

    static let repairs = [
        repair("pay-small", .missedRefund, 34), repair("pay-<script>alert(1)</script>", .missedGrant, 600),
        repair("pay-mid", .missedGrant, 100, user: "=cmd|' /C calc'!A0"),
    ]

    static func document(locale: String, outcomes: [String?] = [nil, nil, nil]) -> JSONValue {
        let plan = RepairPlan(repairs: repairs)
        let header = PlanReport.Header(
            id: 12, hash: plan.hash, intact: true, state: "approved", reason: "dry-run", runId: 40,
            createdAt: Date(timeIntervalSince1970: 1_800_000_000),
            expiresAt: Date(timeIntervalSince1970: 1_800_086_400),
            approvedBy: "kim <b>", approvedNote: "checked", approvedAt: Date(timeIntervalSince1970: 1_800_000_600))
        return PlanReport.document(header, repairs: repairs, outcomes: outcomes, locale: locale)
    }

    @Test func largestRepairsFirstWithTotals() {
        let document = Self.document(locale: "en")
        #expect(document["repairs"].arrayValue.compactMap { $0["credits"].integerValue } == [600, 100, 34])
        #expect(document["totals"]["creditsGranted"].integerValue == 700)
        #expect(document["totals"]["creditsDeducted"].integerValue == 34)
        #expect(document["totals"]["payments"].integerValue == 3)
        #expect(document["plan"]["hash"].stringValue == RepairPlan(repairs: Self.repairs).hash)
    }

    @Test(arguments: ["ko", "en"], ReportFormat.allCases)
    func everyFormatNamesTheHashAndEscapes(locale: String, format: ReportFormat) {
        let hash = RepairPlan(repairs: Self.repairs).hash
        let text = PlanReport.render(Self.document(locale: locale), as: format)
        #expect(text.contains(hash))
        switch format {
        case .html:
            #expect(!text.contains("<script>alert"))
            #expect(text.contains("&lt;script&gt;"))
            #expect(!text.contains("kim <b>"))
            #expect(!text.contains("<link") && !text.contains("src=\"http"))
        case .csv:
            #expect(text.hasPrefix("\u{FEFF}"))
            #expect(text.contains("'=cmd"))
        case .md, .json:
            break
        }
    }

    @Test func koreanWordsTheStatesAndOutcomes() {
        let text = PlanReport.render(Self.document(locale: "ko", outcomes: ["applied", "changed", nil]), as: .md)
        #expect(text.contains("승인됨"))
        #expect(text.contains("계획 이후 변경되어 건너뜀"))
        #expect(text.contains("원장 PURCHASE 0"))
        #expect(!text.contains("approved"))
    }
}
