/// The working state of one ``Reconciler/decide(payment:ledger:users:configuration:storeId:now:)``
/// call: the gates of DESIGN §4 in order, each either finishing the outcome or handing over.
struct PaymentDecision {
    /// The payment decided.
    let payment: PaymentFacts
    /// The policy in force.
    let policy: Configuration.Policy
    /// The payment's PURCHASE rows.
    let purchases: [LedgerEntry]
    /// The payment's REFUND rows.
    let refunds: [LedgerEntry]
    /// The outcome so far; complete once ``run(users:catalog:storeId:now:)`` returns.
    var outcome: PaymentOutcome

    /// Starts a decision: keeps the payment's PURCHASE and REFUND rows and sums them.
    init(payment: PaymentFacts, ledger: [LedgerEntry], policy: Configuration.Policy) {
        self.payment = payment
        self.policy = policy
        let rows = ledger.filter { $0.paymentId == payment.id }
        purchases = rows.filter { $0.type == .purchase }
        refunds = rows.filter { $0.type == .refund }
        let granted = purchases.reduce(0) { Reconciler.saturatingAdd($0, $1.amount) }
        let deducted = Reconciler.saturatingNegate(refunds.reduce(0) { Reconciler.saturatingAdd($0, $1.amount) })
        outcome = PaymentOutcome(
            paymentId: payment.id, userId: Reconciler.userId(for: payment), packageId: nil, classification: .matched,
            repairs: [], discrepancies: [], expectedGrant: nil, expectedDeduction: nil, actualGrant: granted,
            actualDeduction: deducted)
    }

    private var actualGrant: Int64 { outcome.actualGrant }
    private var actualDeduction: Int64 { outcome.actualDeduction }

    /// The user the discrepancies name: the mapped user, else the writer of the first row.
    private var reportedUserId: String? {
        outcome.userId ?? purchases.first?.userId ?? refunds.first?.userId
    }

    // MARK: - Gates

    /// Takes the decision: the skip gates (V1, other store, in flight, unknown status), then the
    /// rules for unpaid or paid payments.
    mutating func run(users: [String: UserAccount], catalog: [CreditPackage], storeId: String, now: RFC3339.Timestamp) {
        if payment.isV1 {
            outcome.classification = .v1
            return
        }
        if payment.storeId != storeId {
            outcome.classification = .otherStore
            if !purchases.isEmpty { openGrantWithoutPayment(reason: "belongs to store \(payment.storeId), not ours") }
            return
        }
        if isInFlight(now: now) {
            outcome.classification = .inFlight
            return
        }
        if case .unknown(let raw) = payment.status {
            outcome.classification = .unknownStatus
            openUnknownPaymentStatus(raw)
            return
        }
        openUnknownCancellationStatuses()
        let isUnpaidTest = payment.channel == .test && !policy.grantTestPayments
        guard wasEverPaid, !isUnpaidTest else {
            decideWithoutMoney(isTest: isUnpaidTest)
            return
        }
        decidePaid(users: users, catalog: catalog)
    }

    /// Whether the status changed less than `settleDelay` before `now` (a status stamped in the
    /// future, by clock skew, is in flight too). Exactly `settleDelay` old is settled.
    private func isInFlight(now: RFC3339.Timestamp) -> Bool {
        let changed = payment.statusChangedAt
        let (settledSeconds, overflow) = changed.secondsSinceEpoch.addingReportingOverflow(policy.settleDelay)
        if overflow { return policy.settleDelay > 0 }
        let settledAt = RFC3339.Timestamp(secondsSinceEpoch: settledSeconds, nanoseconds: Int64(changed.nanoseconds))
        return now < settledAt
    }

    /// PAID and PARTIAL_CANCELLED always; CANCELLED only with `paidAt` (else it was cancelled
    /// before any money moved).
    private var wasEverPaid: Bool {
        switch payment.status {
        case .paid, .partialCancelled: true
        case .cancelled: payment.paidAt != nil
        case .ready, .payPending, .virtualAccountIssued, .failed, .unknown: false
        }
    }

    /// No money was received (or, for a test payment, none that buys credits): the ledger must
    /// hold no PURCHASE and no deduction.
    private mutating func decideWithoutMoney(isTest: Bool) {
        outcome.expectedGrant = 0
        outcome.expectedDeduction = 0
        let bucket: PaymentOutcome.Classification
        let reason: String
        switch payment.status {
        case _ where isTest:
            bucket = .testChannel
            reason = "was made on a test channel, which earns no credits by policy"
        case .failed:
            bucket = .failedWithoutLedger
            reason = "is FAILED at PortOne: no money was received"
        case .cancelled:
            bucket = .cancelledUnpaid
            reason = "was CANCELLED before it was ever paid"
        default:
            bucket = .pending
            reason = "is \(payment.status.portOneName) at PortOne: not paid yet"
        }
        if !purchases.isEmpty {
            openGrantWithoutPayment(reason: reason)
        } else if actualDeduction != 0 {
            add(
                kind: .creditMismatch,
                expected: Reconciler.object(["creditsGranted": .integer(0), "creditsDeducted": .integer(0)]),
                actual: Reconciler.object([
                    "creditsGranted": .integer(actualGrant), "creditsDeducted": .integer(actualDeduction),
                    "refundRows": .integer(Int64(refunds.count)),
                ]),
                detail:
                    "Payment \(payment.id) \(reason), yet \(Wording.rows(refunds.count, .refund)) \(Wording.verb("deduct", refunds.count)) \(Wording.credits(actualDeduction)) for it."
            )
        }
        outcome.classification = outcome.discrepancies.isEmpty ? bucket : .discrepancy
    }

    /// Money was received: map the payment, check it, and compare the ledger with K and d.
    private mutating func decidePaid(users: [String: UserAccount], catalog: [CreditPackage]) {
        let impossible = Reconciler.impossibleAmounts(of: payment)
        guard impossible.isEmpty else {
            openImpossibleAmounts(impossible)
            outcome.classification = .discrepancy
            return
        }
        if let problem = payment.customDataProblem {
            openUnresolved(resolution: .notFound, catalog: catalog, customDataProblem: problem)
            outcome.classification = .discrepancy
            return
        }
        let resolution = PackageResolution.resolve(for: payment, in: catalog)
        guard let userId = outcome.userId, case .found(let package, let rule) = resolution else {
            openUnresolved(resolution: resolution, catalog: catalog)
            outcome.classification = .discrepancy
            return
        }
        outcome.packageId = package.id
        checkPrice(of: package, foundBy: rule)
        let account = users[userId]
        if account == nil { openUnknownUser(userId, package: package) }
        let foreignRows = (purchases + refunds).filter { $0.userId != userId }
        guard let account, outcome.discrepancies.allSatisfy({ $0.kind == .unknownStatus }) else {
            outcome.classification = .discrepancy
            return
        }

        let credits = package.credits
        let cancelled = Reconciler.succeededCancellationTotal(of: payment)
        let expectedDeduction = Reconciler.expectedDeduction(
            credits: credits, cancelled: cancelled, total: payment.totalAmount, rounding: policy.partialRefundRounding)
        outcome.expectedGrant = credits
        outcome.expectedDeduction = expectedDeduction
        if !foreignRows.isEmpty {
            openForeignRows(foreignRows, userId: userId)
            outcome.classification = .discrepancy
            return
        }
        checkLedger(package: package, expectedDeduction: expectedDeduction)
        planRepairs(package: package, account: account, expectedDeduction: expectedDeduction)
        if !outcome.repairs.isEmpty {
            outcome.classification = .repairNeeded
        } else if !outcome.discrepancies.isEmpty {
            outcome.classification = .discrepancy
        } else {
            outcome.classification = .matched
        }
    }

    /// DUPLICATE_GRANT and CREDIT_MISMATCH: the rows that exist, never reversed automatically.
    private mutating func checkLedger(package: CreditPackage, expectedDeduction: Int64) {
        let credits = package.credits
        var problems: [String] = []
        if purchases.count > 1 {
            add(
                kind: .duplicateGrant,
                expected: Reconciler.object(["purchaseRows": .integer(1), "creditsGranted": .integer(credits)]),
                actual: Reconciler.object([
                    "purchaseRows": .integer(Int64(purchases.count)), "creditsGranted": .integer(actualGrant),
                    "transactionIds": .array(purchases.map { .string($0.id) }),
                ]),
                detail:
                    "Payment \(payment.id) has \(Wording.rows(purchases.count, .purchase)) granting \(Wording.credits(actualGrant)); package \(package.id) grants \(Wording.credits(credits)) once."
            )
        } else if purchases.count == 1, actualGrant != credits {
            problems.append(
                "its PURCHASE row grants \(Wording.credits(actualGrant)) where package \(package.id) grants \(Wording.credits(credits))"
            )
        }
        if actualDeduction > expectedDeduction {
            problems.append(
                "its REFUND rows deduct \(Wording.credits(actualDeduction)), more than the \(Wording.credits(expectedDeduction)) its successful cancellations call for"
            )
        }
        guard !problems.isEmpty else { return }
        add(
            kind: .creditMismatch,
            expected: Reconciler.object([
                "creditsGranted": .integer(credits), "creditsDeducted": .integer(expectedDeduction),
            ]),
            actual: Reconciler.object([
                "creditsGranted": .integer(actualGrant), "creditsDeducted": .integer(actualDeduction),
                "purchaseRows": .integer(Int64(purchases.count)), "refundRows": .integer(Int64(refunds.count)),
            ]),
            detail: "Payment \(payment.id): " + problems.joined(separator: "; ") + "."
        )
    }

    /// MISSED_GRANT and MISSED_REFUND by the difference, and REFUND_SHORTFALL under `clamp`.
    private mutating func planRepairs(package: CreditPackage, account: UserAccount, expectedDeduction: Int64) {
        let credits = package.credits
        var grant: Repair?
        if purchases.isEmpty, credits > 0 {
            grant = Repair(
                kind: .missedGrant, paymentId: payment.id, userId: account.id, packageId: package.id, credits: credits,
                ledgerAmount: credits, cancellationId: nil,
                description: "credit-reconciler: missed grant for payment \(payment.id) (package \(package.id))",
                isAutoApplicable: policy.autoFix.contains(.missedGrant))
        }
        if let grant { outcome.repairs.append(grant) }

        // Never take back more for a payment than the ledger grants for it (a wrong grant is a
        // CREDIT_MISMATCH for a person; deducting the full K would punish the user for it).
        let granted = grant?.credits ?? actualGrant
        let deductible = min(expectedDeduction, max(granted, 0))
        let owed = deductible - actualDeduction
        guard owed > 0 else { return }
        let balance = Reconciler.saturatingAdd(account.balance ?? 0, grant?.credits ?? 0)
        let collected: Int64
        switch policy.refundShortfall {
        case .allowNegative: collected = owed
        case .clamp: collected = min(owed, max(balance, 0))
        }
        if collected < owed {
            let collectedSoFar = Reconciler.saturatingAdd(actualDeduction, collected)
            add(
                kind: .refundShortfall,
                expected: Reconciler.object(["creditsDeducted": .integer(deductible)]),
                actual: Reconciler.object([
                    "creditsDeducted": .integer(collectedSoFar), "uncollected": .integer(owed - collected),
                    "balance": .integer(balance),
                ]),
                detail:
                    "Payment \(payment.id)'s successful cancellations call for deducting \(Wording.credits(owed)) from user \(account.id), who holds \(Wording.credits(balance)); \(Wording.credits(owed - collected)) cannot be collected."
            )
        }
        guard collected > 0 else { return }
        let newest = payment.cancellations.filter { $0.status == .succeeded }.max {
            ($0.cancelledAt ?? $0.requestedAt, $0.id) < ($1.cancelledAt ?? $1.requestedAt, $1.id)
        }
        let cancellationText = newest.map { ", cancellation \($0.id)" } ?? ""
        outcome.repairs.append(
            Repair(
                kind: .missedRefund, paymentId: payment.id, userId: account.id, packageId: package.id,
                credits: collected, ledgerAmount: -collected, cancellationId: newest?.id,
                description:
                    "credit-reconciler: missed refund for payment \(payment.id) (package \(package.id)\(cancellationText))",
                isAutoApplicable: policy.autoFix.contains(.missedRefund) && (grant?.isAutoApplicable ?? true)))
    }

    // MARK: - Discrepancies

    private mutating func add(kind: DiscrepancyKind, expected: JSONValue, actual: JSONValue, detail: String) {
        outcome.discrepancies.append(
            Discrepancy(
                kind: kind, paymentId: payment.id, userId: reportedUserId, expected: expected, actual: actual,
                detail: detail))
    }

    private mutating func openGrantWithoutPayment(reason: String) {
        add(
            kind: .grantWithoutPayment,
            expected: Reconciler.object(["creditsGranted": .integer(0)]),
            actual: Reconciler.object([
                "creditsGranted": .integer(actualGrant), "purchaseRows": .integer(Int64(purchases.count)),
                "creditsDeducted": .integer(actualDeduction), "status": .string(payment.status.portOneName),
                "transactionIds": .array(purchases.map { .string($0.id) }),
            ]),
            detail:
                "Payment \(payment.id) \(reason), yet \(Wording.rows(purchases.count, .purchase)) \(Wording.verb("grant", purchases.count)) \(Wording.credits(actualGrant)) for it."
        )
    }

    private mutating func openUnknownPaymentStatus(_ raw: String) {
        add(
            kind: .unknownStatus,
            expected: Reconciler.object([
                "status": .array(
                    [
                        "READY", "PAY_PENDING", "VIRTUAL_ACCOUNT_ISSUED", "PAID", "FAILED", "PARTIAL_CANCELLED",
                        "CANCELLED",
                    ]
                    .map { .string($0) })
            ]),
            actual: Reconciler.object(["status": .string(raw)]),
            detail:
                "Payment \(payment.id) has status \"\(raw)\", which this build does not know; it was not decided and is looked at again next run."
        )
    }

    private mutating func openUnknownCancellationStatuses() {
        let unknown = payment.cancellations.filter {
            if case .unknown = $0.status { return true }
            return false
        }
        guard !unknown.isEmpty else { return }
        add(
            kind: .unknownStatus,
            expected: Reconciler.object([
                "cancellationStatus": .array(["REQUESTED", "FAILED", "SUCCEEDED"].map { .string($0) })
            ]),
            actual: Reconciler.object([
                "cancellations": .array(
                    unknown.map {
                        Reconciler.object([
                            "id": .string($0.id), "status": .string($0.status.portOneName),
                            "totalAmount": .integer($0.totalAmount),
                        ])
                    })
            ]),
            detail:
                "Payment \(payment.id) has cancellations with a status this build does not know ("
                + unknown.map { "\($0.id): \"\($0.status.portOneName)\"" }.joined(separator: ", ")
                + "); they are not counted as refunded."
        )
    }

    /// AMOUNT_MISMATCH for amounts no payment can have: nothing granted, nothing deducted,
    /// whatever the ledger already holds (a person decides).
    private mutating func openImpossibleAmounts(_ problems: [String]) {
        add(
            kind: .amountMismatch,
            expected: Reconciler.object([
                "paid": .string("0...total"), "cancelled": .string("0...total"),
                "succeededCancellations": .string("0...total"), "cancellationAmounts": .string(">= 0"),
            ]),
            actual: Reconciler.object([
                "total": .integer(payment.totalAmount), "paid": .integer(payment.paidAmount),
                "cancelled": .integer(payment.cancelledAmount),
                "succeededCancellations": .integer(Reconciler.succeededSum(of: payment)),
                "cancellationAmounts": .array(payment.cancellations.map { .integer($0.totalAmount) }),
                "problems": .array(problems.map { .string($0) }), "creditsGranted": .integer(actualGrant),
                "creditsDeducted": .integer(actualDeduction),
            ]),
            detail:
                "Payment \(payment.id) reports impossible amounts (" + problems.joined(separator: "; ")
                + "); no credits are granted or deducted for it until a person checks it at PortOne.")
    }

    private mutating func openUnresolved(
        resolution: PackageResolution, catalog: [CreditPackage], customDataProblem: String? = nil
    ) {
        var missing: [String] = []
        if let customDataProblem {
            missing.append(
                "nothing: its \(customDataProblem), so neither the user nor the package it bought can be trusted")
        } else if outcome.userId == nil {
            missing.append("no user (customData.userId and customer.id are empty)")
        }
        switch resolution {
        case _ where customDataProblem != nil: break
        case .found: break
        case .notFound:
            missing.append(
                "no catalog package in force at its request time (by customData.packageId, order name or price)")
        case .ambiguous(let ids):
            missing.append("several catalog packages (\(ids.joined(separator: ", "))) fit it")
        case .unknownPackageId(let id):
            let shown = id.count > 80 ? String(id.prefix(80)) + "…" : id
            let reason =
                catalog.contains { $0.id == id }
                ? "which was not in force at its request time \(RFC3339.format(payment.requestedAt))"
                : "which is not in the catalog"
            missing.append(
                "an unknown package: customData.packageId is \"\(shown)\", \(reason) (the order name and price are not used instead)"
            )
        }
        let packageFound: Bool =
            if case .found = resolution { true } else { false }
        let ambiguous: JSONValue =
            if case .ambiguous(let ids) = resolution { .array(ids.map { .string($0) }) } else { .array([]) }
        add(
            kind: .unresolvedPayment,
            expected: Reconciler.object(["userResolved": .bool(true), "packageResolved": .bool(true)]),
            actual: Reconciler.object([
                "userResolved": .bool(outcome.userId != nil),
                "packageResolved": .bool(packageFound),
                "ambiguousPackages": ambiguous,
                "customDataUserId": Reconciler.text(payment.customDataUserId),
                "customerId": Reconciler.text(payment.customerId),
                "customDataPackageId": Reconciler.text(payment.customDataPackageId),
                "customDataProblem": Reconciler.text(customDataProblem),
                "orderName": .string(payment.orderName), "totalAmount": .integer(payment.totalAmount),
                "currency": .string(payment.currency), "creditsGranted": .integer(actualGrant),
            ]),
            detail:
                "Payment \(payment.id) (\(payment.orderName), \(Wording.money(payment.totalAmount, payment.currency))) was paid but maps to "
                + missing.joined(separator: " and ") + "."
        )
    }

    private mutating func checkPrice(of package: CreditPackage, foundBy rule: PackageResolution.Rule) {
        if package.price != payment.totalAmount {
            add(
                kind: .amountMismatch,
                expected: Reconciler.object([
                    "amount": .integer(package.price), "packageId": .string(package.id),
                ]),
                actual: Reconciler.object([
                    "amount": .integer(payment.totalAmount), "packageFoundBy": .string(rule.rawValue),
                    "creditsGranted": .integer(actualGrant),
                ]),
                detail:
                    "Payment \(payment.id) paid \(Wording.money(payment.totalAmount, payment.currency)) for package \(package.id) (\(package.name)), whose price was \(Wording.money(package.price, package.currency)) when it was requested; no credits are granted automatically."
            )
        }
        if package.currency != payment.currency {
            add(
                kind: .currencyMismatch,
                expected: Reconciler.object([
                    "currency": .string(package.currency), "packageId": .string(package.id),
                ]),
                actual: Reconciler.object([
                    "currency": .string(payment.currency), "creditsGranted": .integer(actualGrant),
                ]),
                detail:
                    "Payment \(payment.id) was paid in \(payment.currency) for package \(package.id) (\(package.name)), which is sold in \(package.currency); no credits are granted automatically."
            )
        }
    }

    private mutating func openUnknownUser(_ userId: String, package: CreditPackage) {
        add(
            kind: .unknownUser,
            expected: Reconciler.object(["userExists": .bool(true), "creditsGranted": .integer(package.credits)]),
            actual: Reconciler.object([
                "userExists": .bool(false), "creditsGranted": .integer(actualGrant),
                "customerEmail": Reconciler.text(payment.customerEmail),
            ]),
            detail:
                "Payment \(payment.id) (\(Wording.money(payment.totalAmount, payment.currency)), package \(package.id)) names user \(userId), who does not exist in the application; its \(Wording.credits(package.credits)) cannot be granted."
        )
    }

    private mutating func openForeignRows(_ rows: [LedgerEntry], userId: String) {
        let owners = Set(rows.map(\.userId)).sorted()
        add(
            kind: .creditMismatch,
            expected: Reconciler.object(["userId": .string(userId)]),
            actual: Reconciler.object([
                "userIds": .array(owners.map { .string($0) }),
                "transactionIds": .array(rows.map { .string($0.id) }),
            ]),
            detail:
                "Payment \(payment.id) belongs to user \(userId), but \(rows.count) of its ledger rows move the credits of "
                + owners.joined(separator: ", ") + "; nothing is repaired until a person sorts it out."
        )
    }
}
