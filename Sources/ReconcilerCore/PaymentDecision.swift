import WireFormat

/// The working state of one ``Reconciler/decide(payment:ledger:users:configuration:storeId:now:)``
/// call: the gates of ARCHITECTURE §5 in order, each either finishing the outcome or handing over.
struct PaymentDecision {
    /// The payment decided.
    let payment: PaymentFacts
    /// The policy in force.
    let policy: Configuration.Policy
    /// The texts of the ledger rows repairs write.
    let descriptions: LedgerDescriptions
    /// The payment's PURCHASE rows.
    let purchases: [LedgerEntry]
    /// The payment's REFUND rows.
    let refunds: [LedgerEntry]
    /// The outcome so far; complete once ``run(users:catalog:storeId:now:)`` returns.
    var outcome: PaymentOutcome

    /// Starts a decision: keeps the payment's PURCHASE and REFUND rows and sums them.
    init(
        payment: PaymentFacts, ledger: [LedgerEntry], policy: Configuration.Policy,
        descriptions: LedgerDescriptions = LedgerDescriptions()
    ) {
        self.payment = payment
        self.policy = policy
        self.descriptions = descriptions
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

    /// Sum of the payment's PURCHASE rows.
    var actualGrant: Int64 { outcome.actualGrant }
    /// Minus the sum of the payment's REFUND rows.
    var actualDeduction: Int64 { outcome.actualDeduction }

    /// The user the discrepancies name: the mapped user, else the writer of the first row.
    var reportedUserId: String? {
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
        guard MoneyRules.wasEverPaid(payment), !isUnpaidTest else {
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

    /// No money was received (or, for a test payment, none that buys credits): the ledger must
    /// hold no PURCHASE and no deduction.
    private mutating func decideWithoutMoney(isTest: Bool) {
        // Nothing to grant (never paid, or a test payment by policy), hence nothing to deduct.
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
            openDeductionWithoutPayment(reason: reason)
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
        let cancelled = MoneyRules.succeededCancellationTotal(of: payment)
        let expectedDeduction = MoneyRules.expectedDeduction(
            credits: credits, cancelled: cancelled, total: payment.totalAmount, rounding: policy.partialRefundRounding)
        outcome.expectedGrant = MoneyRules.expectedGrant(credits: credits, for: payment)
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
            openDuplicateGrant(package: package)
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
        openCreditMismatch(package: package, expectedDeduction: expectedDeduction, problems: problems)
    }

    /// MISSED_GRANT and MISSED_REFUND by the difference, and REFUND_SHORTFALL under `clamp`.
    private mutating func planRepairs(package: CreditPackage, account: UserAccount, expectedDeduction: Int64) {
        let credits = package.credits
        var grant: Repair?
        if purchases.isEmpty, credits > 0 {
            grant = Repair(
                kind: .missedGrant, paymentId: payment.id, userId: account.id, packageId: package.id, credits: credits,
                ledgerAmount: credits, cancellationId: nil,
                description: descriptions.text(.missedGrant, package: package, credits: credits, fullRefund: false),
                isAutoApplicable: policy.autoFix.contains(.missedGrant), cause: GrantCause.of(payment))
        }
        if let grant { outcome.repairs.append(grant) }

        // By the difference: what the capped deduction calls for minus what the ledger deducts.
        let deductible = MoneyRules.cappedDeduction(expected: expectedDeduction, granted: grant?.credits ?? actualGrant)
        let owed = deductible - actualDeduction
        guard owed > 0 else { return }
        let balance = Reconciler.saturatingAdd(account.balance ?? 0, grant?.credits ?? 0)
        let collected = MoneyRules.collectible(owed: owed, balance: balance, shortfall: policy.refundShortfall)
        if collected < owed {
            openRefundShortfall(
                userId: account.id, deductible: deductible, owed: owed, collected: collected, balance: balance)
        }
        guard collected > 0 else { return }
        let newest = payment.cancellations.filter { $0.status == .succeeded }.max {
            ($0.cancelledAt ?? $0.requestedAt, $0.id) < ($1.cancelledAt ?? $1.requestedAt, $1.id)
        }
        let fullRefund = MoneyRules.succeededCancellationTotal(of: payment) >= payment.totalAmount
        outcome.repairs.append(
            Repair(
                kind: .missedRefund, paymentId: payment.id, userId: account.id, packageId: package.id,
                credits: collected, ledgerAmount: -collected, cancellationId: newest?.id,
                description: descriptions.text(
                    .missedRefund, package: package, credits: collected, fullRefund: fullRefund),
                isAutoApplicable: policy.autoFix.contains(.missedRefund) && (grant?.isAutoApplicable ?? true),
                origin: DeductionOrigin.of(
                    payment, credits: credits, deducted: actualDeduction, rounding: policy.partialRefundRounding)))
    }
}
