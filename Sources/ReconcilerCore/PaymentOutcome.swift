/// Everything ``Reconciler/decide(payment:ledger:users:configuration:storeId:now:)`` concluded
/// about one payment: the repairs to make, the discrepancies to open, one classification for the
/// run's counts, and the numbers behind them for reports.
public struct PaymentOutcome: Sendable, Equatable {
    /// The one bucket a payment is counted in. When several could apply, the first listed wins.
    public enum Classification: String, Sendable, Hashable, CaseIterable {
        /// A V1 payment: skipped.
        case v1
        /// A payment of another store: skipped, never repaired.
        case otherStore
        /// Its status changed less than `policy.settleDelay` ago: left for the next run.
        case inFlight
        /// PortOne reported a payment status this build does not know: not decided.
        case unknownStatus
        /// At least one repair is due (applicable or planned); discrepancies may come with it.
        case repairNeeded
        /// Discrepancies and no repair.
        case discrepancy
        /// READY, PAY_PENDING or VIRTUAL_ACCOUNT_ISSUED, with no ledger problem.
        case pending
        /// FAILED, with no PURCHASE or REFUND row.
        case failedWithoutLedger
        /// CANCELLED without ever being paid, with no PURCHASE or REFUND row.
        case cancelledUnpaid
        /// A test-channel payment that, by policy, earns no credits, with no ledger problem.
        case testChannel
        /// The ledger holds exactly what the payment calls for.
        case matched
    }

    /// The payment decided.
    public var paymentId: String
    /// The user the payment maps to, when it maps to one.
    public var userId: String?
    /// The catalog package the payment maps to, when it maps to one.
    public var packageId: String?
    /// The bucket to count the payment in.
    public var classification: Classification
    /// Repairs in the order they must be applied (a grant before the refund that follows it).
    public var repairs: [Repair]
    /// Discrepancies to open or confirm, at most one per ``Discrepancy/deduplicationKey``.
    public var discrepancies: [Discrepancy]
    /// Credits the payment should have granted; nil when no decision was taken (skipped,
    /// in flight, unknown status, unmapped or mismatched payments).
    public var expectedGrant: Int64?
    /// Credits its successful cancellations should have taken back; nil as for `expectedGrant`.
    public var expectedDeduction: Int64?
    /// Sum of the payment's PURCHASE rows.
    public var actualGrant: Int64
    /// Minus the sum of the payment's REFUND rows (positive when credits were taken back).
    public var actualDeduction: Int64

    /// Creates an outcome.
    public init(
        paymentId: String, userId: String?, packageId: String?, classification: Classification,
        repairs: [Repair], discrepancies: [Discrepancy], expectedGrant: Int64?, expectedDeduction: Int64?,
        actualGrant: Int64, actualDeduction: Int64
    ) {
        self.paymentId = paymentId
        self.userId = userId
        self.packageId = packageId
        self.classification = classification
        self.repairs = repairs
        self.discrepancies = discrepancies
        self.expectedGrant = expectedGrant
        self.expectedDeduction = expectedDeduction
        self.actualGrant = actualGrant
        self.actualDeduction = actualDeduction
    }

    /// Whether the outcome says everything about the payment's ledger now, so the engine may
    /// close the payment's open discrepancies that it no longer lists. False for payments in
    /// flight or with an unknown status: nothing was judged, and what was open stays open.
    public var isConclusive: Bool {
        switch classification {
        case .inFlight, .unknownStatus: false
        default: true
        }
    }

    /// The repairs apply mode writes (their kind is in `policy.autoFix`).
    public var applicable: [Repair] { repairs.filter(\.isAutoApplicable) }

    /// The repairs only reported as planned.
    public var plannedOnly: [Repair] { repairs.filter { !$0.isAutoApplicable } }
}
