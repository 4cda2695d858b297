import Foundation
import ReconcilerCore
import Reports
import WireFormat

/// A deterministic report with every outcome: both repair kinds applied, planned repairs for
/// each reason, every discrepancy kind (new, recurring and closed), Korean text, and external
/// data that tries formula and HTML injection.
enum ReportFixture {
    static func date(_ text: String) -> Date {
        RFC3339.timestamp(text)!.date
    }

    static let starter = RunReport.Package(id: "starter", name: "스타터", credits: 100, price: 10_000)
    static let pro = RunReport.Package(id: "pro", name: "프로", credits: 600, price: 50_000)

    static func payment(
        _ status: String, total: Int64 = 10_000, cancelled: Int64 = 0, package: RunReport.Package? = starter,
        orderName: String = "스타터", cancelledAt: String? = nil, currency: String = "KRW"
    ) -> RunReport.Payment {
        RunReport.Payment(
            status: status, currency: currency, totalAmount: total, cancelledAmount: cancelled, orderName: orderName,
            paidAt: date("2026-10-30T15:30:00Z"), cancelledAt: cancelledAt.map(date),
            statusChangedAt: date(cancelledAt ?? "2026-10-30T15:30:00Z"), package: package)
    }

    static func report(locale: String = "ko", status: RunOutcome = .succeeded, error: String? = nil) -> RunReport {
        let run = RunReport.Run(
            id: 7, trigger: .timer, mode: .apply, windowFrom: date("2026-10-29T15:00:00Z"),
            windowUntil: date("2026-11-01T15:00:00Z"), paymentIds: nil, startedAt: date("2026-11-01T18:00:00.125Z"),
            finishedAt: date("2026-11-01T18:00:42.500Z"), status: status, error: error)
        let totals: JSONValue = .object([
            "paymentsScanned": .integer(1234), "ledgerRowsScanned": .integer(1300), "matched": .integer(1200),
            "fixesApplied": .integer(2), "fixesPlanned": .integer(3), "creditsGranted": .integer(100),
            "creditsDeducted": .integer(300), "discrepanciesOpen": .integer(13), "discrepanciesNew": .integer(11),
            "discrepanciesClosed": .integer(1),
            "apiRequests": .object(["success": .integer(40), "retried": .integer(2), "failed": .integer(0)]),
            "plan": .object([
                "id": .integer(3), "hash": .string("5f0c2b9d81aa4e0f9c1d2b3a4c5d6e7f8091a2b3c4d5e6f708192a3b4c5de1a2"),
            ]),
        ])
        let fixes = [
            RunReport.Fix(
                kind: .missedGrant, paymentId: "pay-grant-1", userId: "user-1", credits: 100,
                creditTransactionId: "ctx-1", balanceBefore: 0, balanceAfter: 100, cancellationId: nil,
                userEmail: "=cmd|' /C calc'!A0@evil.example", payment: payment("PAID"),
                cause: GrantCause(
                    kind: .webhookFailed, deliveries: 1, deliveryStatus: "FAILED_NOT_OK_RESPONSE", responseCode: "500",
                    attempts: 6, maxAttempts: 6, lastAttemptAt: RFC3339.timestamp("2026-10-30T15:40:00Z"))),
            RunReport.Fix(
                kind: .missedRefund, paymentId: "pay-refund-1", userId: "user-2", credits: 300,
                creditTransactionId: "ctx-2", balanceBefore: 250, balanceAfter: -50, cancellationId: "cancel-1",
                userEmail: "김민수@example.kr",
                payment: payment(
                    "PARTIAL_CANCELLED", total: 50_000, cancelled: 25_000, package: pro, orderName: "프로",
                    cancelledAt: "2026-10-31T01:02:03Z"),
                origin: DeductionOrigin(
                    kind: .chargeback, trigger: "CHARGEBACK", cancellationId: "cancel-1", reason: "카드사 차지백 <b>",
                    requestedAt: RFC3339.timestamp("2026-10-31T01:02:01Z")!,
                    cancelledAt: RFC3339.timestamp("2026-10-31T01:02:03Z"), cancellations: 1)),
        ]
        func repair(_ kind: RepairKind, _ id: String, auto: Bool, cause: GrantCause.Kind = .webhookAcknowledged)
            -> Repair
        {
            Repair(
                kind: kind, paymentId: id, userId: "user-3", packageId: "starter", credits: 100,
                ledgerAmount: kind == .missedGrant ? 100 : -100, cancellationId: kind == .missedGrant ? nil : "c-9",
                description: "test", isAutoApplicable: auto,
                cause: kind == .missedGrant
                    ? GrantCause(
                        kind: cause, deliveries: cause == .webhookNotSent ? 0 : 1,
                        deliveryStatus: cause == .webhookNotSent ? nil : "SUCCEEDED",
                        responseCode: cause == .webhookNotSent ? nil : "200",
                        attempts: cause == .webhookNotSent ? nil : 1,
                        maxAttempts: cause == .webhookNotSent ? nil : 6,
                        lastAttemptAt: cause == .webhookNotSent ? nil : RFC3339.timestamp("2026-10-30T15:30:01Z"))
                    : nil,
                origin: kind == .missedRefund
                    ? DeductionOrigin(
                        kind: .console, trigger: "CONSOLE", cancellationId: "c-9", reason: "고객 요청에 의한 환불",
                        requestedAt: RFC3339.timestamp("2026-10-31T09:59:58Z")!,
                        cancelledAt: RFC3339.timestamp("2026-10-31T10:00:00Z"), cancellations: 2)
                    : nil)
        }
        let planned = [
            RunReport.PlannedFix(
                repair: repair(.missedGrant, "pay-planned-1", auto: false), reason: "notAutoFix",
                userEmail: "lee@example.kr", payment: payment("PAID")),
            RunReport.PlannedFix(
                repair: repair(.missedRefund, "pay-planned-2", auto: true), reason: "dryRun", userEmail: nil,
                payment: payment("CANCELLED", cancelled: 10_000, cancelledAt: "2026-10-31T10:00:00Z")),
            RunReport.PlannedFix(
                repair: repair(.missedGrant, "pay-planned-3", auto: true, cause: .webhookNotSent), reason: "fixLimit",
                userEmail: nil,
                payment: nil),
        ]
        var entries: [RunReport.Entry] = []
        for (index, kind) in DiscrepancyKind.allCases.enumerated() {
            let id = Int64(100 + index)
            let byUser = kind == .balanceDrift
            let runLevel = kind == .fixLimitExceeded
            let closed = kind == .creditMismatch
            let recurring = kind == .duplicateGrant
            let (expected, actual, detail) = evidence(kind, index: index)
            entries.append(
                RunReport.Entry(
                    id: id, kind: kind, severity: kind.severity, status: closed ? .fixed : .open,
                    paymentId: byUser || runLevel ? nil : "pay-\(kind.rawValue.lowercased())",
                    userId: runLevel ? nil : "user-\(index)", expected: expected, actual: actual,
                    firstSeenRunId: recurring || closed ? 5 : 7,
                    occurrences: recurring ? 3 : 1, detail: detail,
                    userEmail: byUser || runLevel ? nil : "user\(index)@example.kr",
                    payment: byUser || runLevel ? nil : payment("PAID", package: index % 2 == 0 ? starter : nil),
                    lastSeenRunId: closed ? 6 : 7, closedRunId: closed ? 7 : nil,
                    resolutionNote: closed ? "repaired; no longer observed in run 7" : nil))
        }
        var reconciliation = RunReport.Reconciliation()
        reconciliation.paidPayments = 1210
        reconciliation.paidKRW = 24_500_000
        reconciliation.cancelledKRW = 1_250_000
        reconciliation.undecided = [
            RunReport.Line(key: "AMOUNT_MISMATCH", payments: 1, krw: 9_000, credits: 0),
            RunReport.Line(key: "UNRESOLVED_PAYMENT", payments: 1, krw: 10_000, credits: 0),
        ]
        reconciliation.creditsDue = 250_000
        reconciliation.ledgerBefore = 250_000
        reconciliation.creditsGranted = 100
        reconciliation.creditsDeducted = 300
        reconciliation.explained = [
            RunReport.Line(key: "plannedRepairs", payments: 3, krw: 0, credits: 100),
            RunReport.Line(key: "REFUND_SHORTFALL", payments: 1, krw: 0, credits: -50),
            RunReport.Line(key: "changedDuringRun", payments: 0, krw: 0, credits: 150),
        ]
        reconciliation.closure = RunReport.Closure(closedExactly: 1_196, explained: 9, unexplained: 1)
        var days: [RunReport.Day] = []
        for (offset, date) in ["2026-10-30", "2026-10-31", "2026-11-01", "2026-11-02"].enumerated() {
            var day = RunReport.Day(date: date)
            day.paidPayments = [300, 420, 390, 100][offset]
            day.paidKRW = Int64(day.paidPayments) * 20_000
            day.cancelledKRW = [0, 250_000, 1_000_000, 0][offset]
            day.creditsDue = Int64(day.paidPayments) * 200
            day.grantedPayments = day.paidPayments - [2, 0, 5, 1][offset]
            day.creditsGranted = Int64(day.grantedPayments) * 200
            day.repairedPayments = [1, 0, 1, 0][offset]
            day.creditsGrantedByRun = Int64(day.repairedPayments) * 100
            days.append(day)
        }
        let open = DiscrepancyKind.allCases.filter { $0 != .creditMismatch }.map {
            RunReport.OpenCount(kind: $0, severity: $0.severity, count: $0 == .balanceDrift ? 4 : 1)
        }
        return RunReport(
            run: run, totals: totals, fixes: fixes, plannedFixes: planned, discrepancies: entries,
            reconciliation: reconciliation, daily: days, openDiscrepancies: open, locale: locale,
            sources: RunReport.Sources(eventsFeed: .read, eventsRead: 1_214, paymentsRevealed: 2))
    }

    /// Expected and actual values shaped as the rules write them for `kind`, and the English
    /// sentence; external text in them tries formula and HTML injection.
    static func evidence(_ kind: DiscrepancyKind, index: Int) -> (JSONValue, JSONValue, String) {
        func object(_ fields: [String: JSONValue]) -> JSONValue { .object(fields) }
        switch kind {
        case .amountMismatch:
            return (
                object(["amount": .integer(10_000), "packageId": .string("starter")]),
                object([
                    "amount": .integer(9_000), "packageFoundBy": .string("customData"), "creditsGranted": .integer(0),
                ]),
                "Payment pay-amount_mismatch paid 9,000 KRW for package starter (스타터), whose price was 10,000 KRW when it was requested; no credits are granted automatically."
            )
        case .currencyMismatch:
            return (
                object(["currency": .string("KRW"), "packageId": .string("starter")]),
                object(["currency": .string("USD"), "creditsGranted": .integer(0)]),
                "Payment pay-currency_mismatch was paid in USD for package starter (스타터), which is sold in KRW; no credits are granted automatically."
            )
        case .unresolvedPayment:
            return (
                object(["userResolved": .bool(true), "packageResolved": .bool(true)]),
                object([
                    "userResolved": .bool(true), "packageResolved": .bool(false), "ambiguousPackages": .array([]),
                    "orderName": .string("+82-10 \"<script>alert(1)</script>\""), "totalAmount": .integer(10_000),
                    "currency": .string("KRW"), "creditsGranted": .integer(0), "customDataProblem": .null,
                ]),
                "+82-10 주문명 \"<script>alert(1)</script>\", 금액 10,000"
            )
        case .unknownUser:
            return (
                object(["userExists": .bool(true), "creditsGranted": .integer(100)]),
                object([
                    "userExists": .bool(false), "creditsGranted": .integer(0), "customerEmail": .string("@SUM(1+1)"),
                ]),
                "@SUM(1+1) 사용자 없음\nnew line"
            )
        case .grantWithoutPayment:
            return (
                object(["creditsGranted": .integer(0)]),
                object([
                    "creditsGranted": .integer(100), "purchaseRows": .integer(1), "creditsDeducted": .integer(0),
                    "status": .string("FAILED"), "transactionIds": .array([.string("ctx-9")]),
                ]),
                "Payment pay-grant_without_payment is FAILED at PortOne: no money was received, yet 1 PURCHASE row grants 100 credits for it."
            )
        case .orphanGrant:
            return (
                object(["paymentExists": .bool(true)]),
                object([
                    "paymentExists": .bool(false), "creditsGranted": .integer(100), "purchaseRows": .integer(1),
                    "userIds": .array([.string("user-5")]),
                ]),
                "The ledger grants 100 credits to user-5 for payment pay-orphan_grant, which PortOne does not know."
            )
        case .duplicateGrant:
            return (
                object(["purchaseRows": .integer(1), "creditsGranted": .integer(100)]),
                object(["purchaseRows": .integer(2), "creditsGranted": .integer(200)]),
                "Payment pay-duplicate_grant has 2 PURCHASE rows granting 200 credits; package starter grants 100 credits once."
            )
        case .creditMismatch:
            return (
                object(["creditsGranted": .integer(100), "creditsDeducted": .integer(0)]),
                object([
                    "creditsGranted": .integer(90), "creditsDeducted": .integer(0), "purchaseRows": .integer(1),
                    "refundRows": .integer(0),
                ]),
                "Payment pay-credit_mismatch: its PURCHASE row grants 90 credits where package starter grants 100 credits."
            )
        case .refundShortfall:
            return (
                object(["creditsDeducted": .integer(600)]),
                object(["creditsDeducted": .integer(250), "uncollected": .integer(350), "balance": .integer(250)]),
                "Payment pay-refund_shortfall's successful cancellations call for deducting 600 credits from user user-8, who holds 250 credits; 350 credits cannot be collected."
            )
        case .balanceDrift:
            return (
                object(["balance": .integer(1_000)]),
                object(["balance": .integer(1_100), "difference": .integer(100), "hasCreditRow": .bool(true)]),
                "User user-9 has a balance of 1,100 credits, but their transactions sum to 1,000 credits."
            )
        case .unknownStatus:
            return (
                object(["status": .array([.string("PAID")])]), object(["status": .string("PAID_LATER")]),
                "Payment pay-unknown_status has status \"PAID_LATER\", which this build does not know; it was not decided and is looked at again next run."
            )
        case .unparseablePayment:
            return (
                object(["readable": .bool(true)]),
                object(["readable": .bool(false), "reason": .string("amount.total is missing")]),
                "PortOne returned payment pay-unparseable_payment in a form the reconciler cannot read: amount.total is missing."
            )
        case .fixLimitExceeded:
            return (
                object(["maxFixes": .integer(500), "maxCreditsPerFix": .integer(10_000)]),
                object(["fixes": .integer(612), "largestFix": .integer(1_300), "oversizedPaymentIds": .array([])]),
                "No repair was applied: 612 repairs are planned, more than the limit of 500 (policy.maxFixesPerRun)."
            )
        case .unexplainedDifference:
            return (
                object(["credits": .integer(100), "granted": .integer(100), "deducted": .integer(0)]),
                object(["credits": .integer(99), "purchase": .integer(99), "refund": .integer(0)]),
                "after the run's repairs the ledger holds 99 credits for payment pay-unexplained_difference, PortOne's amounts call for 100, and no open discrepancy says why"
            )
        }
    }
}
