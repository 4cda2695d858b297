import WireFormat

/// The evidence of each discrepancy a decision opens: the numbers a reviewer compares
/// (`expected`, `actual`) and the sentence that says the same (`detail`).
extension PaymentDecision {
    /// Opens a discrepancy of `kind` about the payment, naming ``reportedUserId``.
    mutating func add(kind: DiscrepancyKind, expected: JSONValue, actual: JSONValue, detail: String) {
        outcome.discrepancies.append(
            Discrepancy(
                kind: kind, paymentId: payment.id, userId: reportedUserId, expected: expected, actual: actual,
                detail: detail))
    }

    /// GRANT_WITHOUT_PAYMENT: PURCHASE rows for a payment that brought no money; `reason`
    /// completes "Payment X …" with why (its status, a test channel, another store).
    mutating func openGrantWithoutPayment(reason: String) {
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

    /// CREDIT_MISMATCH: REFUND rows, and no PURCHASE, for a payment that brought no money.
    mutating func openDeductionWithoutPayment(reason: String) {
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

    /// DUPLICATE_GRANT: more than one PURCHASE row for the payment of `package`.
    mutating func openDuplicateGrant(package: CreditPackage) {
        let credits = package.credits
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
    }

    /// CREDIT_MISMATCH: the ledger grants or deducts other credits than K and d call for;
    /// `problems` are the sentences saying which.
    mutating func openCreditMismatch(package: CreditPackage, expectedDeduction: Int64, problems: [String]) {
        add(
            kind: .creditMismatch,
            expected: Reconciler.object([
                "creditsGranted": .integer(package.credits), "creditsDeducted": .integer(expectedDeduction),
            ]),
            actual: Reconciler.object([
                "creditsGranted": .integer(actualGrant), "creditsDeducted": .integer(actualDeduction),
                "purchaseRows": .integer(Int64(purchases.count)), "refundRows": .integer(Int64(refunds.count)),
            ]),
            detail: "Payment \(payment.id): " + problems.joined(separator: "; ") + "."
        )
    }

    /// REFUND_SHORTFALL: of the `owed` credits (toward `deductible` in all), only `collected`
    /// can be taken from user `userId`, who holds `balance`.
    mutating func openRefundShortfall(userId: String, deductible: Int64, owed: Int64, collected: Int64, balance: Int64)
    {
        let collectedSoFar = Reconciler.saturatingAdd(actualDeduction, collected)
        add(
            kind: .refundShortfall,
            expected: Reconciler.object(["creditsDeducted": .integer(deductible)]),
            actual: Reconciler.object([
                "creditsDeducted": .integer(collectedSoFar), "uncollected": .integer(owed - collected),
                "balance": .integer(balance),
            ]),
            detail:
                "Payment \(payment.id)'s successful cancellations call for deducting \(Wording.credits(owed)) from user \(userId), who holds \(Wording.credits(balance)); \(Wording.credits(owed - collected)) cannot be collected."
        )
    }

    /// UNKNOWN_STATUS for a payment status this build does not know (`raw`, as PortOne sent it).
    mutating func openUnknownPaymentStatus(_ raw: String) {
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

    /// UNKNOWN_STATUS for cancellations whose status this build does not know (none: nothing).
    mutating func openUnknownCancellationStatuses() {
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
    mutating func openImpossibleAmounts(_ problems: [String]) {
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

    /// UNRESOLVED_PAYMENT: a paid payment that maps to no user or no single package
    /// (`resolution` says which), or whose `customData` cannot be trusted.
    mutating func openUnresolved(
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

    /// AMOUNT_MISMATCH and CURRENCY_MISMATCH when the payment's total or currency is not the
    /// price of `package` in force when it was requested.
    mutating func checkPrice(of package: CreditPackage, foundBy rule: PackageResolution.Rule) {
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

    /// UNKNOWN_USER: the payment names a user the application does not have.
    mutating func openUnknownUser(_ userId: String, package: CreditPackage) {
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

    /// CREDIT_MISMATCH: rows of the payment move the credits of users other than its own.
    mutating func openForeignRows(_ rows: [LedgerEntry], userId: String) {
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
