import ReconcilerCore
import Testing

/// One row of the decision table: the facts, and the decision they must produce.
struct DecideCase: Sendable, CustomTestStringConvertible {
    /// A repair as the table states it.
    struct ExpectedRepair: Sendable, Equatable, CustomStringConvertible {
        var kind: RepairKind
        var credits: Int64
        var applicable = true

        var description: String { "\(kind.rawValue) \(credits)\(applicable ? "" : " planned")" }

        static func grant(_ credits: Int64, applicable: Bool = true) -> ExpectedRepair {
            ExpectedRepair(kind: .missedGrant, credits: credits, applicable: applicable)
        }

        static func refund(_ credits: Int64, applicable: Bool = true) -> ExpectedRepair {
            ExpectedRepair(kind: .missedRefund, credits: credits, applicable: applicable)
        }
    }

    var name: String
    var payment: PaymentFacts
    var ledger: [LedgerEntry] = []
    var users: [String: UserAccount] = Fixture.users
    var policy = Configuration.Policy()
    var now = Fixture.now
    var classification: PaymentOutcome.Classification
    var repairs: [ExpectedRepair] = []
    var discrepancies: [DiscrepancyKind] = []

    var testDescription: String { name }
}

@Suite struct ReconcilerDecideTests {
    typealias F = Fixture

    static let lifecycle: [DecideCase] = [
        DecideCase(
            name: "webhook granted already: matched", payment: F.payment("pro"), ledger: [F.purchase(600)],
            classification: .matched),
        DecideCase(
            name: "lost webhook: MISSED_GRANT K", payment: F.payment("pro"), classification: .repairNeeded,
            repairs: [.grant(600)]),
        DecideCase(
            name: "full refund after grant: MISSED_REFUND K",
            payment: F.payment("pro", status: .cancelled, cancellations: [F.cancellation("c1", 50_000)]),
            ledger: [F.purchase(600)], classification: .repairNeeded, repairs: [.refund(600)]),
        DecideCase(
            name: "full refund already deducted: matched",
            payment: F.payment("pro", status: .cancelled, cancellations: [F.cancellation("c1", 50_000)]),
            ledger: [F.purchase(600), F.refund(600)], classification: .matched),
        DecideCase(
            name: "first partial cancellation: ceil(100 × 3333 / 10000) = 34",
            payment: F.payment(status: .partialCancelled, cancellations: [F.cancellation("c1", 3333)]),
            ledger: [F.purchase(100)], classification: .repairNeeded, repairs: [.refund(34)]),
        DecideCase(
            name: "second partial cancellation deducts only the difference: 67 − 34",
            payment: F.payment(
                status: .partialCancelled,
                cancellations: [F.cancellation("c1", 3333, minutesAgo: 90), F.cancellation("c2", 3333)]),
            ledger: [F.purchase(100), F.refund(34)], classification: .repairNeeded, repairs: [.refund(33)]),
        DecideCase(
            name: "partial cancellations already deducted: matched",
            payment: F.payment(
                status: .partialCancelled,
                cancellations: [F.cancellation("c1", 3333, minutesAgo: 90), F.cancellation("c2", 3333)]),
            ledger: [F.purchase(100), F.refund(34, id: "r1"), F.refund(33, id: "r2")], classification: .matched),
        DecideCase(
            name: "REQUESTED and FAILED cancellations move nothing",
            payment: F.payment(
                status: .paid,
                cancellations: [F.cancellation("c1", 10_000, .requested), F.cancellation("c2", 10_000, .failed)]),
            ledger: [F.purchase(100)], classification: .matched),
        DecideCase(
            name: "paid and cancelled before any grant: grant then refund",
            payment: F.payment("pro", status: .cancelled, cancellations: [F.cancellation("c1", 50_000)]),
            users: F.users(balance: 0), classification: .repairNeeded, repairs: [.grant(600), .refund(600)]),
        DecideCase(
            name: "paid and partly cancelled before any grant: grant then partial refund",
            payment: F.payment("pro", status: .partialCancelled, cancellations: [F.cancellation("c1", 10_000)]),
            users: F.users(balance: 0), classification: .repairNeeded, repairs: [.grant(600), .refund(120)]),
    ]

    static let rounding: [DecideCase] = [
        ("up", 3335, 34), ("down", 3335, 33), ("nearest", 3335, 33), ("up", 3350, 34), ("down", 3350, 33),
        ("nearest", 3350, 34), ("nearest", 3360, 34), ("up", 3300, 33), ("down", 3399, 33), ("up", 1, 1),
        ("down", 1, 0), ("nearest", 49, 0), ("nearest", 50, 1), ("down", 9999, 99), ("up", 9999, 100),
    ].map { (mode: String, cancelled: Int64, deducted: Int64) in
        DecideCase(
            name: "rounding \(mode): 100 credits × \(cancelled) / 10000 → \(deducted)",
            payment: F.payment(status: .partialCancelled, cancellations: [F.cancellation("c1", cancelled)]),
            ledger: [F.purchase(100)],
            policy: F.policy { $0.partialRefundRounding = Configuration.Rounding(rawValue: mode)! },
            classification: deducted == 0 ? .matched : .repairNeeded, repairs: deducted == 0 ? [] : [.refund(deducted)])
    }

    static let shortfall: [DecideCase] = [
        DecideCase(
            name: "clamp: refund larger than the balance deducts the balance",
            payment: F.payment(status: .cancelled, cancellations: [F.cancellation("c1", 10_000)]),
            ledger: [F.purchase(100)], users: F.users(balance: 30), classification: .repairNeeded,
            repairs: [.refund(30)], discrepancies: [.refundShortfall]),
        DecideCase(
            name: "allowNegative: refund larger than the balance deducts it all",
            payment: F.payment(status: .cancelled, cancellations: [F.cancellation("c1", 10_000)]),
            ledger: [F.purchase(100)], users: F.users(balance: 30),
            policy: F.policy { $0.refundShortfall = .allowNegative },
            classification: .repairNeeded, repairs: [.refund(100)]),
        DecideCase(
            name: "clamp: empty balance deducts nothing and opens the shortfall",
            payment: F.payment(status: .cancelled, cancellations: [F.cancellation("c1", 10_000)]),
            ledger: [F.purchase(100)], users: F.users(balance: 0), classification: .discrepancy,
            discrepancies: [.refundShortfall]),
        DecideCase(
            name: "clamp: negative balance deducts nothing",
            payment: F.payment(status: .cancelled, cancellations: [F.cancellation("c1", 10_000)]),
            ledger: [F.purchase(100)], users: F.users(balance: -20), classification: .discrepancy,
            discrepancies: [.refundShortfall]),
        DecideCase(
            name: "clamp: no Credit row counts as balance 0",
            payment: F.payment(status: .cancelled, cancellations: [F.cancellation("c1", 10_000)]),
            ledger: [F.purchase(100)], users: F.users(balance: nil), classification: .discrepancy,
            discrepancies: [.refundShortfall]),
        DecideCase(
            name: "clamp: balance exactly the deduction: no shortfall",
            payment: F.payment(status: .cancelled, cancellations: [F.cancellation("c1", 10_000)]),
            ledger: [F.purchase(100)], users: F.users(balance: 100), classification: .repairNeeded,
            repairs: [.refund(100)]),
        DecideCase(
            name: "clamp: the grant made first counts toward the balance",
            payment: F.payment(status: .cancelled, cancellations: [F.cancellation("c1", 10_000)]),
            users: F.users(balance: -30), classification: .repairNeeded, repairs: [.grant(100), .refund(70)],
            discrepancies: [.refundShortfall]),
        DecideCase(
            name: "allowNegative: grant and full refund from a negative balance",
            payment: F.payment(status: .cancelled, cancellations: [F.cancellation("c1", 10_000)]),
            users: F.users(balance: -30), policy: F.policy { $0.refundShortfall = .allowNegative },
            classification: .repairNeeded, repairs: [.grant(100), .refund(100)]),
    ]

    static let mapping: [DecideCase] = [
        DecideCase(
            name: "amount below the price: AMOUNT_MISMATCH, no grant", payment: F.payment("pro", amount: 45_000),
            classification: .discrepancy, discrepancies: [.amountMismatch]),
        DecideCase(
            name: "customData names a dearer package than was paid: AMOUNT_MISMATCH",
            payment: F.payment("starter", customDataPackageId: "business"), classification: .discrepancy,
            discrepancies: [.amountMismatch]),
        DecideCase(
            name: "currency differs: CURRENCY_MISMATCH, no grant", payment: F.payment("pro", currency: "USD"),
            classification: .discrepancy, discrepancies: [.currencyMismatch]),
        DecideCase(
            name: "price change: a payment requested before it is checked against the old price",
            payment: F.payment(
                "business", requestedAt: F.priceChange.adding(nanoseconds: -1), statusChangedAt: F.ago(seconds: 3600)),
            classification: .repairNeeded, repairs: [.grant(1200)]),
        DecideCase(
            name: "price change: a payment requested at the change gets the new price",
            payment: F.payment("business", requestedAt: F.priceChange, statusChangedAt: F.ago(seconds: 3600)),
            classification: .repairNeeded, repairs: [.grant(1300)]),
        DecideCase(
            name: "price change: the new price paid before the change is an AMOUNT_MISMATCH",
            payment: F.payment(
                "business", amount: 120_000, requestedAt: F.priceChange.adding(nanoseconds: -1),
                statusChangedAt: F.ago(seconds: 3600)),
            classification: .discrepancy, discrepancies: [.amountMismatch]),
        DecideCase(
            name: "orderName fallback when customData has no package",
            payment: F.payment("pro", packageInCustomData: false), classification: .repairNeeded,
            repairs: [.grant(600)]),
        DecideCase(
            name: "customData package not in the catalog: UNRESOLVED_PAYMENT, no orderName fallback",
            payment: F.payment("pro", customDataPackageId: "gold"), classification: .discrepancy,
            discrepancies: [.unresolvedPayment]),
        DecideCase(
            name: "customData package not in force at the request: UNRESOLVED_PAYMENT, no price fallback",
            payment: F.payment(
                "business", requestedAt: F.priceChange.adding(nanoseconds: -1), statusChangedAt: F.ago(seconds: 3600),
                customDataPackageId: "gone"),
            classification: .discrepancy, discrepancies: [.unresolvedPayment]),
        DecideCase(
            name: "unknown customData package already granted: UNRESOLVED_PAYMENT, nothing deducted",
            payment: F.payment(
                "pro", status: .cancelled, cancellations: [F.cancellation("c1", 50_000)], customDataPackageId: "gold"),
            ledger: [F.purchase(600)], classification: .discrepancy, discrepancies: [.unresolvedPayment]),
        DecideCase(
            name: "empty customData package id counts as absent: orderName",
            payment: F.payment("pro", customDataPackageId: ""), classification: .repairNeeded, repairs: [.grant(600)]),
        DecideCase(
            name: "customData not JSON: UNRESOLVED_PAYMENT, no customer.id/orderName fallback",
            payment: F.payment(
                "pro", customDataUserId: nil, packageInCustomData: false, customerId: "user_1",
                customDataProblem: "customData is not a JSON object"),
            classification: .discrepancy, discrepancies: [.unresolvedPayment]),
        DecideCase(
            name: "customData packageId an object: UNRESOLVED_PAYMENT",
            payment: F.payment(
                "pro", packageInCustomData: false, customDataProblem: "customData.packageId is not a string"),
            classification: .discrepancy, discrepancies: [.unresolvedPayment]),
        DecideCase(
            name: "price fallback when neither customData nor orderName name a package",
            payment: F.payment("basic", packageInCustomData: false, orderName: "크레딧 충전"),
            classification: .repairNeeded, repairs: [.grant(330)]),
        DecideCase(
            name: "no package at all: UNRESOLVED_PAYMENT",
            payment: F.payment("starter", amount: 12_345, packageInCustomData: false, orderName: "크레딧 충전"),
            classification: .discrepancy, discrepancies: [.unresolvedPayment]),
        DecideCase(
            name: "customer.id fallback when customData has no user",
            payment: F.payment(customDataUserId: nil, customerId: "user_1"), classification: .repairNeeded,
            repairs: [.grant(100)]),
        DecideCase(
            name: "empty customData user falls back to customer.id",
            payment: F.payment(customDataUserId: "", customerId: "user_1"), classification: .repairNeeded,
            repairs: [.grant(100)]),
        DecideCase(
            name: "no user at all: UNRESOLVED_PAYMENT", payment: F.payment(customDataUserId: nil),
            classification: .discrepancy, discrepancies: [.unresolvedPayment]),
        DecideCase(
            name: "user id the app does not have: UNKNOWN_USER", payment: F.payment(customDataUserId: "user_gone"),
            classification: .discrepancy, discrepancies: [.unknownUser]),
        DecideCase(
            name: "wrong amount and unknown user: both reported",
            payment: F.payment("pro", amount: 1000, customDataUserId: "user_gone"), classification: .discrepancy,
            discrepancies: [.amountMismatch, .unknownUser]),
        DecideCase(
            name: "another store: counted, never repaired", payment: F.payment(storeId: "store-other"),
            classification: .otherStore),
        DecideCase(
            name: "another store with a PURCHASE: GRANT_WITHOUT_PAYMENT", payment: F.payment(storeId: "store-other"),
            ledger: [F.purchase(100)], classification: .otherStore, discrepancies: [.grantWithoutPayment]),
    ]

    /// Issue 9: amounts no payment can have are reported, never repaired (not even a deduction
    /// when the ledger granted already); legitimate amounts beside them are not flagged.
    static let impossibleAmounts: [DecideCase] = [
        DecideCase(
            name: "PAID with amount.paid negative: AMOUNT_MISMATCH, no grant",
            payment: F.payment("pro", paidAmount: -1), classification: .discrepancy,
            discrepancies: [.amountMismatch]),
        DecideCase(
            name: "PAID with amount.paid above the total: AMOUNT_MISMATCH, no grant",
            payment: F.payment("pro", paidAmount: 50_001), classification: .discrepancy,
            discrepancies: [.amountMismatch]),
        DecideCase(
            name: "PAID with amount.cancelled negative: AMOUNT_MISMATCH, no grant",
            payment: F.payment("pro", cancelledAmount: -10), classification: .discrepancy,
            discrepancies: [.amountMismatch]),
        DecideCase(
            name: "PAID with amount.cancelled above the total: AMOUNT_MISMATCH, no grant",
            payment: F.payment("pro", paidAmount: 0, cancelledAmount: 50_001), classification: .discrepancy,
            discrepancies: [.amountMismatch]),
        DecideCase(
            name: "amount.total negative: AMOUNT_MISMATCH",
            payment: F.payment("pro", amount: -50_000, paidAmount: 0), classification: .discrepancy,
            discrepancies: [.amountMismatch]),
        DecideCase(
            name: "SUCCEEDED cancellations above the total: AMOUNT_MISMATCH, nothing deducted",
            payment: F.payment(
                status: .cancelled, cancellations: [F.cancellation("c1", 6000), F.cancellation("c2", 6000)],
                paidAmount: 0, cancelledAmount: 10_000),
            ledger: [F.purchase(100)], classification: .discrepancy, discrepancies: [.amountMismatch]),
        DecideCase(
            name: "SUCCEEDED cancellations overflowing Int64: AMOUNT_MISMATCH",
            payment: F.payment(
                status: .cancelled, cancellations: [F.cancellation("c1", .max), F.cancellation("c2", .max)],
                paidAmount: 0, cancelledAmount: 10_000),
            ledger: [F.purchase(100)], classification: .discrepancy, discrepancies: [.amountMismatch]),
        DecideCase(
            name: "a negative SUCCEEDED cancellation: AMOUNT_MISMATCH, nothing granted back or deducted",
            payment: F.payment(
                status: .partialCancelled, cancellations: [F.cancellation("c1", -3000)], cancelledAmount: 0),
            ledger: [F.purchase(100)], classification: .discrepancy, discrepancies: [.amountMismatch]),
        DecideCase(
            name: "a negative FAILED cancellation: AMOUNT_MISMATCH, no grant",
            payment: F.payment(cancellations: [F.cancellation("c1", -1, .failed)]), classification: .discrepancy,
            discrepancies: [.amountMismatch]),
        DecideCase(
            name: "impossible amounts already granted: no deduction, AMOUNT_MISMATCH",
            payment: F.payment(
                "pro", status: .cancelled, cancellations: [F.cancellation("c1", 50_000)], paidAmount: -5),
            ledger: [F.purchase(600)], classification: .discrepancy, discrepancies: [.amountMismatch]),
        DecideCase(
            name: "legitimate: discounted payment (paid below total) is granted",
            payment: F.payment("pro", paidAmount: 45_000), classification: .repairNeeded, repairs: [.grant(600)]),
        DecideCase(
            name: "legitimate: fully discounted payment (paid 0) is granted",
            payment: F.payment("pro", paidAmount: 0), classification: .repairNeeded, repairs: [.grant(600)]),
        DecideCase(
            name: "legitimate: PARTIAL_CANCELLED with paid = total − cancelled",
            payment: F.payment("pro", status: .partialCancelled, cancellations: [F.cancellation("c1", 10_000)]),
            ledger: [F.purchase(600)], classification: .repairNeeded, repairs: [.refund(120)]),
        DecideCase(
            name: "legitimate: CANCELLED with paid 0 and cancelled = total",
            payment: F.payment("pro", status: .cancelled, cancellations: [F.cancellation("c1", 50_000)]),
            ledger: [F.purchase(600)], classification: .repairNeeded, repairs: [.refund(600)]),
        DecideCase(
            name: "legitimate: amount.cancelled lagging the SUCCEEDED cancellations",
            payment: F.payment(
                "pro", status: .partialCancelled, cancellations: [F.cancellation("c1", 10_000)], cancelledAmount: 0),
            ledger: [F.purchase(600)], classification: .repairNeeded, repairs: [.refund(120)]),
        DecideCase(
            name: "unpaid (READY) payments are not judged on amounts",
            payment: F.payment(status: .ready, paid: false, paidAmount: -1), classification: .pending),
    ]

    static let skipped: [DecideCase] = [
        DecideCase(
            name: "test channel, not granted by policy: counted", payment: F.payment(channel: .test),
            classification: .testChannel),
        DecideCase(
            name: "test channel with a PURCHASE when not granting: GRANT_WITHOUT_PAYMENT",
            payment: F.payment(channel: .test), ledger: [F.purchase(100)], classification: .discrepancy,
            discrepancies: [.grantWithoutPayment]),
        DecideCase(
            name: "test channel granted by policy: MISSED_GRANT", payment: F.payment(channel: .test),
            policy: F.policy { $0.grantTestPayments = true }, classification: .repairNeeded, repairs: [.grant(100)]),
        DecideCase(
            name: "V1 payment: counted, skipped", payment: F.payment(isV1: true), classification: .v1),
        DecideCase(
            name: "settle delay: exactly settleDelay old is decided",
            payment: F.payment(statusChangedAt: F.ago(seconds: 600)), classification: .repairNeeded,
            repairs: [.grant(100)]),
        DecideCase(
            name: "settle delay: one nanosecond younger is in flight",
            payment: F.payment(statusChangedAt: F.ago(seconds: 600).adding(nanoseconds: 1)),
            classification: .inFlight),
        DecideCase(
            name: "settle delay: a status change in the future is in flight",
            payment: F.payment(statusChangedAt: F.ago(seconds: -60)), classification: .inFlight),
        DecideCase(
            name: "settle delay 0: a change this instant is decided",
            payment: F.payment(statusChangedAt: F.now), policy: F.policy { $0.settleDelay = 0 },
            classification: .repairNeeded, repairs: [.grant(100)]),
        DecideCase(
            name: "unknown payment status: UNKNOWN_STATUS, not decided",
            payment: F.payment(status: .unknown("PARTIALLY_PAID")), ledger: [F.purchase(100)],
            classification: .unknownStatus, discrepancies: [.unknownStatus]),
        DecideCase(
            name: "unknown cancellation status: not counted as refunded, reported",
            payment: F.payment(
                status: .partialCancelled, cancellations: [F.cancellation("c1", 5000, .unknown("HOLD"))]),
            ledger: [F.purchase(100)], classification: .discrepancy, discrepancies: [.unknownStatus]),
        DecideCase(
            name: "unknown cancellation status next to a succeeded one: the succeeded one is deducted",
            payment: F.payment(
                status: .partialCancelled,
                cancellations: [F.cancellation("c1", 5000), F.cancellation("c2", 5000, .unknown("HOLD"))]),
            ledger: [F.purchase(100)], classification: .repairNeeded, repairs: [.refund(50)],
            discrepancies: [.unknownStatus]),
    ]

    static let ledgerProblems: [DecideCase] = [
        DecideCase(
            name: "two PURCHASE rows: DUPLICATE_GRANT", payment: F.payment(),
            ledger: [F.purchase(100, id: "a"), F.purchase(100, id: "b")], classification: .discrepancy,
            discrepancies: [.duplicateGrant]),
        DecideCase(
            name: "one PURCHASE with the wrong credits: CREDIT_MISMATCH", payment: F.payment(),
            ledger: [F.purchase(90)], classification: .discrepancy, discrepancies: [.creditMismatch]),
        DecideCase(
            name: "deducted more than the cancellations call for: CREDIT_MISMATCH, never reversed",
            payment: F.payment(status: .partialCancelled, cancellations: [F.cancellation("c1", 5000)]),
            ledger: [F.purchase(100), F.refund(80)], classification: .discrepancy, discrepancies: [.creditMismatch]),
        DecideCase(
            name: "deduction without any cancellation: CREDIT_MISMATCH", payment: F.payment(),
            ledger: [F.purchase(100), F.refund(10)], classification: .discrepancy, discrepancies: [.creditMismatch]),
        DecideCase(
            name: "under-grant and full refund: deduct only what was granted",
            payment: F.payment(status: .cancelled, cancellations: [F.cancellation("c1", 10_000)]),
            ledger: [F.purchase(60)], classification: .repairNeeded, repairs: [.refund(60)],
            discrepancies: [.creditMismatch]),
        DecideCase(
            name: "duplicate grant and a refund: the refund is still deducted",
            payment: F.payment(status: .cancelled, cancellations: [F.cancellation("c1", 10_000)]),
            ledger: [F.purchase(100, id: "a"), F.purchase(100, id: "b")], classification: .repairNeeded,
            repairs: [.refund(100)], discrepancies: [.duplicateGrant]),
        DecideCase(
            name: "rows of another user: CREDIT_MISMATCH, nothing repaired",
            payment: F.payment(status: .cancelled, cancellations: [F.cancellation("c1", 10_000)]),
            ledger: [F.purchase(100, user: "user_2")], classification: .discrepancy, discrepancies: [.creditMismatch]),
        DecideCase(
            name: "rows of other payments and other types are ignored", payment: F.payment(),
            ledger: [
                F.purchase(100), F.purchase(100, id: "other", payment: "pay_2"),
                LedgerEntry(
                    id: "u", userId: "user_1", amount: -5, type: .usage, paymentId: "pay_1",
                    createdAt: .init(timeIntervalSince1970: 0)),
            ], classification: .matched),
    ]

    static let unpaid: [DecideCase] =
        [
            (PaymentFacts.Status.ready, PaymentOutcome.Classification.pending, true),
            (.payPending, .pending, true), (.virtualAccountIssued, .pending, true),
            (.failed, .failedWithoutLedger, true),
            (.cancelled, .cancelledUnpaid, false),
        ].flatMap { status, bucket, _ in
            [
                DecideCase(
                    name: "\(status) without ledger rows: counted as \(bucket)",
                    payment: F.payment(status: status, paid: false), classification: bucket),
                DecideCase(
                    name: "\(status) with a PURCHASE: GRANT_WITHOUT_PAYMENT",
                    payment: F.payment(status: status, paid: false), ledger: [F.purchase(100)],
                    classification: .discrepancy, discrepancies: [.grantWithoutPayment]),
                DecideCase(
                    name: "\(status) with only a REFUND: CREDIT_MISMATCH",
                    payment: F.payment(status: status, paid: false), ledger: [F.refund(100)],
                    classification: .discrepancy, discrepancies: [.creditMismatch]),
            ]
        } + [
            DecideCase(
                name: "CANCELLED without paidAt but with a succeeded cancellation: never paid",
                payment: F.payment(status: .cancelled, cancellations: [F.cancellation("c1", 10_000)], paid: false),
                classification: .cancelledUnpaid),
            DecideCase(
                name: "unpaid payment that maps to nothing: no UNRESOLVED_PAYMENT (no money moved)",
                payment: F.payment(status: .failed, amount: 1, paid: false, customDataUserId: nil),
                classification: .failedWithoutLedger),
        ]

    static let autoFix: [DecideCase] = [
        DecideCase(
            name: "MISSED_GRANT not in autoFix: planned only", payment: F.payment(),
            policy: F.policy { $0.autoFix = [.missedRefund] }, classification: .repairNeeded,
            repairs: [.grant(100, applicable: false)]),
        DecideCase(
            name: "MISSED_REFUND not in autoFix: planned only",
            payment: F.payment(status: .cancelled, cancellations: [F.cancellation("c1", 10_000)]),
            ledger: [F.purchase(100)], policy: F.policy { $0.autoFix = [.missedGrant] }, classification: .repairNeeded,
            repairs: [.refund(100, applicable: false)]),
        DecideCase(
            name: "a refund that depends on a planned-only grant is planned only too",
            payment: F.payment(status: .cancelled, cancellations: [F.cancellation("c1", 10_000)]),
            policy: F.policy { $0.autoFix = [.missedRefund] }, classification: .repairNeeded,
            repairs: [.grant(100, applicable: false), .refund(100, applicable: false)]),
        DecideCase(
            name: "empty autoFix: everything planned",
            payment: F.payment(status: .cancelled, cancellations: [F.cancellation("c1", 10_000)]),
            policy: F.policy { $0.autoFix = [] }, classification: .repairNeeded,
            repairs: [.grant(100, applicable: false), .refund(100, applicable: false)]),
    ]

    /// What the reviewer reads: the impossible field with its numbers, or the unknown package.
    static let details: [(String, PaymentFacts, DiscrepancyKind, String)] = [
        ("negative paid", F.payment("pro", paidAmount: -1), .amountMismatch, "amount.paid is -1, below zero"),
        (
            "paid above total", F.payment("pro", paidAmount: 50_001), .amountMismatch,
            "amount.paid 50,001 exceeds amount.total 50,000"
        ),
        (
            "cancelled above total", F.payment("pro", paidAmount: 0, cancelledAmount: 60_000), .amountMismatch,
            "amount.cancelled 60,000 exceeds amount.total 50,000"
        ),
        ("negative cancelled", F.payment("pro", cancelledAmount: -7), .amountMismatch, "amount.cancelled is -7"),
        (
            "succeeded sum above total",
            F.payment(
                status: .cancelled, cancellations: [F.cancellation("c1", 6000), F.cancellation("c2", 6000)],
                paidAmount: 0, cancelledAmount: 10_000),
            .amountMismatch, "SUCCEEDED cancellations sum to 12,000, above amount.total 10,000"
        ),
        (
            "negative cancellation", F.payment(cancellations: [F.cancellation("c1", -3, .requested)]),
            .amountMismatch, "cancellations[0].totalAmount is -3, below zero"
        ),
        (
            "unknown package", F.payment("pro", customDataPackageId: "gold"), .unresolvedPayment,
            "customData.packageId is \"gold\", which is not in the catalog"
        ),
        (
            "customData unreadable",
            F.payment(packageInCustomData: false, customDataProblem: "customData is not a JSON object"),
            .unresolvedPayment, "its customData is not a JSON object"
        ),
    ]

    @Test(arguments: details)
    func discrepancyDetailsNameTheProblem(
        name: String, payment: PaymentFacts, kind: DiscrepancyKind, phrase: String
    ) throws {
        let outcome = Fixture.decide(payment, ledger: [F.purchase(100)])
        #expect(outcome.repairs.isEmpty, "\(name)")
        let discrepancy = try #require(outcome.discrepancies.first { $0.kind == kind }, "\(name)")
        #expect(discrepancy.detail.contains(phrase), "\(name): \(discrepancy.detail)")
    }

    @Test(
        arguments: lifecycle + rounding + shortfall + mapping + impossibleAmounts + skipped + ledgerProblems + unpaid
            + autoFix)
    func decides(_ row: DecideCase) {
        let outcome = Fixture.decide(
            row.payment, ledger: row.ledger, users: row.users, policy: row.policy, now: row.now)
        #expect(outcome.classification == row.classification)
        #expect(outcome.isConclusive == (row.classification != .inFlight && row.classification != .unknownStatus))
        let repairs = outcome.repairs.map {
            DecideCase.ExpectedRepair(kind: $0.kind, credits: $0.credits, applicable: $0.isAutoApplicable)
        }
        #expect(repairs == row.repairs)
        #expect(outcome.discrepancies.map(\.kind) == row.discrepancies)
        #expect(Set(outcome.discrepancies.map(\.deduplicationKey)).count == outcome.discrepancies.count)
        for repair in outcome.repairs {
            #expect(repair.credits > 0)
            #expect(repair.ledgerAmount == (repair.kind == .missedGrant ? repair.credits : -repair.credits))
            #expect(repair.paymentId == row.payment.id)
        }
        for discrepancy in outcome.discrepancies {
            #expect(discrepancy.paymentId == row.payment.id)
            guard case .object = discrepancy.expected, case .object = discrepancy.actual else {
                Issue.record("expected and actual must be JSON objects: \(discrepancy)")
                continue
            }
        }
    }
}
