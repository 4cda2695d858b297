import ReconcilerCore
import Testing
import WireFormat

/// Why each repair was needed (DESIGN §7): a missed grant's cause from PortOne's webhook record,
/// a deduction's origin from its cancellations' trigger, and the ledger row's text.
@Suite struct RepairExplanationTests {
    typealias F = Fixture
    typealias Hook = PaymentFacts.Webhook

    /// One row of the cause table.
    struct CauseCase: Sendable, CustomTestStringConvertible {
        var name: String
        var webhooks: [Hook]
        var cause: GrantCause
        var testDescription: String { name }
    }

    static let t1 = F.ago(seconds: 3000)
    static let t2 = F.ago(seconds: 2000)
    static let t3 = F.ago(seconds: 1000)

    static let causes: [CauseCase] = [
        // No delivery recorded.
        CauseCase(name: "no webhooks field (or an empty one)", webhooks: [], cause: GrantCause(kind: .webhookNotSent)),
        CauseCase(
            name: "only a webhook announcing another status (a later cancellation)",
            webhooks: [Hook(delivery: .succeeded, paymentStatus: "CANCELLED", responseCode: "200")],
            cause: GrantCause(kind: .webhookNotSent)),
        CauseCase(
            name: "only READY and PAY_PENDING announcements",
            webhooks: [
                Hook(delivery: .failedNotOkResponse, paymentStatus: "READY"),
                Hook(delivery: .succeeded, paymentStatus: "PAY_PENDING"),
            ],
            cause: GrantCause(kind: .webhookNotSent)),
        // Every delivery failed.
        CauseCase(
            name: "one record, six attempts of six, HTTP 500",
            webhooks: [
                Hook(delivery: .failedNotOkResponse, responseCode: "500", attempts: 6, maxAttempts: 6, triggeredAt: t1)
            ],
            cause: GrantCause(
                kind: .webhookFailed, deliveries: 1, deliveryStatus: "FAILED_NOT_OK_RESPONSE", responseCode: "500",
                attempts: 6, maxAttempts: 6, lastAttemptAt: t1)),
        CauseCase(
            name: "no answer at all (timeout)",
            webhooks: [Hook(delivery: .failedUnexpectedError, attempts: 3, maxAttempts: 6, triggeredAt: t1)],
            cause: GrantCause(
                kind: .webhookFailed, deliveries: 1, deliveryStatus: "FAILED_UNEXPECTED_ERROR", attempts: 3,
                maxAttempts: 6, lastAttemptAt: t1)),
        CauseCase(
            name: "several records: the latest by time names the figures, not the last listed",
            webhooks: [
                Hook(delivery: .failedNotOkResponse, responseCode: "401", attempts: 6, maxAttempts: 6, triggeredAt: t3),
                Hook(delivery: .failedUnexpectedError, attempts: 6, maxAttempts: 6, triggeredAt: t1),
            ],
            cause: GrantCause(
                kind: .webhookFailed, deliveries: 2, deliveryStatus: "FAILED_NOT_OK_RESPONSE", responseCode: "401",
                attempts: 6, maxAttempts: 6, lastAttemptAt: t3)),
        CauseCase(
            name: "a failed PAID webhook and an acknowledged CANCELLED one: the grant's webhook failed",
            webhooks: [
                Hook(delivery: .failedNotOkResponse, responseCode: "503", attempts: 6, maxAttempts: 6, triggeredAt: t1),
                Hook(delivery: .succeeded, paymentStatus: "CANCELLED", responseCode: "200", triggeredAt: t3),
            ],
            cause: GrantCause(
                kind: .webhookFailed, deliveries: 1, deliveryStatus: "FAILED_NOT_OK_RESPONSE", responseCode: "503",
                attempts: 6, maxAttempts: 6, lastAttemptAt: t1)),
        // The app said yes and granted nothing.
        CauseCase(
            name: "delivered at the first attempt",
            webhooks: [Hook(delivery: .succeeded, responseCode: "200", attempts: 1, maxAttempts: 6, triggeredAt: t1)],
            cause: GrantCause(
                kind: .webhookAcknowledged, deliveries: 1, deliveryStatus: "SUCCEEDED", responseCode: "200",
                attempts: 1,
                maxAttempts: 6, lastAttemptAt: t1)),
        CauseCase(
            name: "failed, then a manual resend delivered: acknowledged, with the delivered one's figures",
            webhooks: [
                Hook(delivery: .failedNotOkResponse, responseCode: "500", attempts: 6, maxAttempts: 6, triggeredAt: t1),
                Hook(delivery: .succeeded, responseCode: "204", attempts: 2, maxAttempts: 6, triggeredAt: t2),
                Hook(delivery: .failedUnexpectedError, attempts: 1, maxAttempts: 6, triggeredAt: t3),
            ],
            cause: GrantCause(
                kind: .webhookAcknowledged, deliveries: 3, deliveryStatus: "SUCCEEDED", responseCode: "204",
                attempts: 2, maxAttempts: 6, lastAttemptAt: t2)),
        CauseCase(
            name: "a V1-style record without paymentStatus counts as the grant's",
            webhooks: [Hook(delivery: .succeeded, paymentStatus: nil, responseCode: "200")],
            cause: GrantCause(
                kind: .webhookAcknowledged, deliveries: 1, deliveryStatus: "SUCCEEDED", responseCode: "200")),
        // The record does not tell.
        CauseCase(
            name: "a delivery status PortOne added later",
            webhooks: [
                Hook(delivery: .unknown("FAILED_RATE_LIMITED"), responseCode: "429", attempts: 2, triggeredAt: t1)
            ],
            cause: GrantCause(
                kind: .unknown, deliveries: 1, deliveryStatus: "FAILED_RATE_LIMITED", responseCode: "429", attempts: 2,
                lastAttemptAt: t1)),
        CauseCase(
            name: "no delivery status at all",
            webhooks: [Hook(delivery: nil, triggeredAt: t1)],
            cause: GrantCause(kind: .unknown, deliveries: 1, lastAttemptAt: t1)),
        CauseCase(
            name: "one failure and one unknown status: not all failed, so unknown",
            webhooks: [
                Hook(delivery: .failedNotOkResponse, responseCode: "500", triggeredAt: t1),
                Hook(delivery: .unknown("QUEUED"), triggeredAt: t2),
            ],
            cause: GrantCause(kind: .unknown, deliveries: 2, deliveryStatus: "QUEUED", lastAttemptAt: t2)),
        CauseCase(
            name: "an announced payment status this build does not know may be the grant's",
            webhooks: [Hook(delivery: .failedNotOkResponse, paymentStatus: "PAID_LATER", responseCode: "502")],
            cause: GrantCause(
                kind: .webhookFailed, deliveries: 1, deliveryStatus: "FAILED_NOT_OK_RESPONSE", responseCode: "502")),
    ]

    @Test(arguments: causes)
    func causeOfAMissedGrant(_ row: CauseCase) throws {
        var payment = F.payment("pro")
        payment.webhooks = row.webhooks
        #expect(GrantCause.of(payment) == row.cause)
        // The decision carries it on its grant, and only there.
        let outcome = F.decide(payment)
        let grant = try #require(outcome.repairs.first)
        #expect(grant.kind == .missedGrant)
        #expect(grant.cause == row.cause)
        #expect(grant.origin == nil)
        // It survives the JSON the report and the repair queue keep.
        #expect(GrantCause(cause: .string(row.cause.kind.rawValue), webhook: row.cause.webhookJSON) == row.cause)
    }

    /// One row of the origin table.
    struct OriginCase: Sendable, CustomTestStringConvertible {
        var name: String
        var cancellations: [PaymentFacts.Cancellation]
        var ledger: [LedgerEntry] = [F.purchase(100)]
        var origin: DeductionOrigin.Kind
        var trigger: String?
        var cancellationId: String
        var covered: Int
        var testDescription: String { name }
    }

    static func cancel(_ id: String, _ amount: Int64, minutesAgo: Int64, trigger: String?, reason: String? = "단순 변심")
        -> PaymentFacts.Cancellation
    {
        PaymentFacts.Cancellation(
            id: id, status: .succeeded, totalAmount: amount, requestedAt: F.ago(seconds: minutesAgo * 60 + 2),
            cancelledAt: F.ago(seconds: minutesAgo * 60), trigger: trigger, reason: reason)
    }

    static let origins: [OriginCase] = [
        OriginCase(
            name: "console", cancellations: [cancel("c1", 10_000, minutesAgo: 30, trigger: "CONSOLE")],
            origin: .console, trigger: "CONSOLE", cancellationId: "c1", covered: 1),
        OriginCase(
            name: "API", cancellations: [cancel("c1", 5_000, minutesAgo: 30, trigger: "API")], origin: .api,
            trigger: "API", cancellationId: "c1", covered: 1),
        OriginCase(
            name: "PortOne staff", cancellations: [cancel("c1", 10_000, minutesAgo: 30, trigger: "PORTONE_ADMIN")],
            origin: .portoneAdmin, trigger: "PORTONE_ADMIN", cancellationId: "c1", covered: 1),
        OriginCase(
            name: "chargeback", cancellations: [cancel("c1", 10_000, minutesAgo: 30, trigger: "CHARGEBACK")],
            origin: .chargeback, trigger: "CHARGEBACK", cancellationId: "c1", covered: 1),
        OriginCase(
            name: "no trigger field", cancellations: [cancel("c1", 10_000, minutesAgo: 30, trigger: nil)],
            origin: .unknown, trigger: nil, cancellationId: "c1", covered: 1),
        OriginCase(
            name: "a trigger PortOne added later is kept as sent",
            cancellations: [cancel("c1", 10_000, minutesAgo: 30, trigger: "PARTNER_PORTAL")], origin: .unknown,
            trigger: "PARTNER_PORTAL", cancellationId: "c1", covered: 1),
        OriginCase(
            name: "the spelling UNKNOWN is no special value",
            cancellations: [cancel("c1", 10_000, minutesAgo: 30, trigger: "UNKNOWN")], origin: .unknown,
            trigger: "UNKNOWN", cancellationId: "c1", covered: 1),
        OriginCase(
            name: "two partial refunds, the first already deducted: the second's origin",
            cancellations: [
                cancel("c1", 3_000, minutesAgo: 50, trigger: "CONSOLE"),
                cancel("c2", 3_000, minutesAgo: 20, trigger: "API"),
            ],
            ledger: [F.purchase(100), F.refund(30)], origin: .api, trigger: "API", cancellationId: "c2", covered: 1),
        OriginCase(
            name: "two partial refunds, none deducted: the newest, covering both",
            cancellations: [
                cancel("c1", 3_000, minutesAgo: 50, trigger: "API"),
                cancel("c2", 3_000, minutesAgo: 20, trigger: "CONSOLE"),
            ],
            origin: .console, trigger: "CONSOLE", cancellationId: "c2", covered: 2),
        OriginCase(
            name: "a chargeback among the uncollected outweighs a newer console refund",
            cancellations: [
                cancel("c1", 3_000, minutesAgo: 50, trigger: "CHARGEBACK"),
                cancel("c2", 3_000, minutesAgo: 20, trigger: "CONSOLE"),
            ],
            origin: .chargeback, trigger: "CHARGEBACK", cancellationId: "c1", covered: 2),
        OriginCase(
            name: "a chargeback already deducted does not name a later console refund",
            cancellations: [
                cancel("c1", 3_000, minutesAgo: 50, trigger: "CHARGEBACK"),
                cancel("c2", 3_000, minutesAgo: 20, trigger: "CONSOLE"),
            ],
            ledger: [F.purchase(100), F.refund(30)], origin: .console, trigger: "CONSOLE", cancellationId: "c2",
            covered: 1),
    ]

    @Test(arguments: origins)
    func originOfADeduction(_ row: OriginCase) throws {
        let payment = F.payment(
            status: row.cancellations.reduce(0) { $0 + $1.totalAmount } >= 10_000 ? .cancelled : .partialCancelled,
            cancellations: row.cancellations + [
                PaymentFacts.Cancellation(
                    id: "c-failed", status: .failed, totalAmount: 1_000, requestedAt: F.ago(seconds: 600),
                    trigger: "CHARGEBACK")
            ])
        let outcome = F.decide(payment, ledger: row.ledger)
        let refund = try #require(outcome.repairs.first { $0.kind == .missedRefund })
        let origin = try #require(refund.origin)
        #expect(origin.kind == row.origin)
        #expect(origin.trigger == row.trigger)
        #expect(origin.cancellationId == row.cancellationId)
        #expect(origin.cancellations == row.covered)
        let named = try #require(row.cancellations.first { $0.id == row.cancellationId })
        #expect(origin.reason == named.reason)
        #expect(origin.requestedAt == named.requestedAt)
        #expect(origin.cancelledAt == named.cancelledAt)
        #expect(refund.cause == nil)
        let json = DeductionOrigin(origin: .string(origin.kind.rawValue), cancellation: origin.cancellationJSON)
        #expect(json == origin)
    }

    @Test func noSuccessfulCancellationHasNoOrigin() {
        let payment = F.payment(cancellations: [F.cancellation("c1", 10_000, .requested)])
        #expect(DeductionOrigin.of(payment, credits: 100, deducted: 0, rounding: .up) == nil)
    }

    /// The ledger rows speak to the shop's customers: the package's name and the kind of refund
    /// in the configured language, never an internal word or the payment id.
    @Test(arguments: [
        ("ko", RepairKind.missedGrant, 10_000 as Int64, "크레딧 구매 (프로) · 결제 확인 후 지급"),
        ("ko", .missedRefund, 25_000, "환불 차감 (프로, 부분 환불)"),
        ("ko", .missedRefund, 50_000, "환불 차감 (프로, 전액 환불)"),
        ("en", .missedGrant, 0, "Credit purchase (프로) · granted after payment check"),
        ("en", .missedRefund, 25_000, "Refund deduction (프로, partial refund)"),
        ("en", .missedRefund, 50_000, "Refund deduction (프로, full refund)"),
    ])
    func ledgerDescription(locale: String, kind: RepairKind, cancelled: Int64, text: String) throws {
        var configuration = F.configuration()
        configuration.reports.locale = locale
        let payment = F.payment(
            "pro", status: cancelled == 0 ? .paid : cancelled >= 50_000 ? .cancelled : .partialCancelled,
            cancellations: cancelled == 0 ? [] : [F.cancellation("c1", cancelled)])
        let outcome = Reconciler.decide(
            payment: payment, ledger: kind == .missedRefund ? [F.purchase(600)] : [], users: F.users,
            configuration: configuration, storeId: F.store, now: F.now)
        let repair = try #require(outcome.repairs.first { $0.kind == kind })
        #expect(repair.description == text)
        for word in ["credit-reconciler", "pay_1", "MISSED", "missed", "reconciler"] {
            #expect(!repair.description.contains(word))
        }
    }

    @Test func configuredTemplatesReplaceTheDefaults() throws {
        var configuration = F.configuration()
        configuration.ledgerDescriptionTemplates = [.missedGrant: "{packageName} {credits}크레딧 충전 {unknown"]
        let outcome = Reconciler.decide(
            payment: F.payment("pro"), ledger: [], users: F.users, configuration: configuration, storeId: F.store,
            now: F.now)
        #expect(outcome.repairs.first?.description == "프로 600크레딧 충전 {unknown")
        #expect(LedgerDescriptions.placeholdersUsed(in: "{a} x {b}} {c") == ["a", "b"])
    }
}
