import WireFormat

/// The reconciliation rules of ARCHITECTURE §5 as pure functions: plain values in, an `Equatable`
/// outcome out. No I/O, no clock (the time is an argument), no floating point.
///
/// The engine gathers the facts (the payment from PortOne, its ledger rows, the users it names),
/// calls ``decide(payment:ledger:users:configuration:storeId:now:)``, and carries the outcome out.
/// Before applying a repair it fetches the payment again, locks the user's `Credit` row, and
/// decides again on that fresh data; because repairs move the ledger by the difference between
/// expected and actual, deciding after a repair was applied returns no repair.
public enum Reconciler {
    /// The user a payment belongs to: `customData.userId`, else `customer.id` (empty strings
    /// count as absent). The engine loads these users before deciding.
    public static func userId(for payment: PaymentFacts) -> String? {
        if let id = payment.customDataUserId, !id.isEmpty { return id }
        if let id = payment.customerId, !id.isEmpty { return id }
        return nil
    }

    /// Decides one payment: what its ledger rows should be, what repairs bring them there, what
    /// a person has to review, and which bucket it is counted in.
    ///
    /// - Parameters:
    ///   - payment: the payment as PortOne's API reports it now.
    ///   - ledger: every `CreditTransaction` row whose `paymentId` is this payment's id (rows of
    ///     other payments are ignored). Only PURCHASE and REFUND rows count.
    ///   - users: the users loaded for ``userId(for:)``; a missing entry means no such user.
    ///   - configuration: the catalog and the policy.
    ///   - storeId: our PortOne store; payments of other stores are never repaired.
    ///   - now: the decision time, compared with `statusChangedAt` for `policy.settleDelay`.
    public static func decide(
        payment: PaymentFacts, ledger: [LedgerEntry], users: [String: UserAccount], configuration: Configuration,
        storeId: String, now: RFC3339.Timestamp
    ) -> PaymentOutcome {
        var decision = PaymentDecision(
            payment: payment, ledger: ledger, policy: configuration.policy,
            descriptions: configuration.ledgerDescriptions)
        decision.run(users: users, catalog: configuration.catalog, storeId: storeId, now: now)
        return decision.outcome
    }

    /// `a + b`, pinned to the Int64 range instead of trapping.
    static func saturatingAdd(_ a: Int64, _ b: Int64) -> Int64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? (b > 0 ? .max : .min) : sum
    }

    /// `-a`, pinned to the Int64 range instead of trapping.
    static func saturatingNegate(_ a: Int64) -> Int64 {
        a == .min ? .max : -a
    }

    /// Builds a JSON object from key-value pairs.
    static func object(_ pairs: KeyValuePairs<String, JSONValue>) -> JSONValue {
        .object(Dictionary(pairs.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last }))
    }

    /// A JSON string, or `null` for nil.
    static func text(_ value: String?) -> JSONValue {
        value.map { .string($0) } ?? .null
    }
}
