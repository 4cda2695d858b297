import WireFormat

/// One problem found by a run, as it goes to `reconciler.discrepancy` and to the reports.
///
/// `expected` and `actual` are JSON objects (stored as jsonb) holding the numbers a reviewer
/// compares; `detail` says the same in one sentence. Two discrepancies with the same
/// ``deduplicationKey`` are the same problem seen again.
public struct Discrepancy: Sendable, Equatable {
    /// How urgent a discrepancy is; fixed by its kind (see ``DiscrepancyKind/severity``).
    public enum Severity: String, Sendable, Hashable, CaseIterable, Codable, Comparable {
        /// Money or credits are at risk now.
        case critical
        /// Needs a look; the exposure is bounded and recorded.
        case warning
        /// For the record.
        case info

        /// Orders by urgency: `critical` first.
        public static func < (lhs: Severity, rhs: Severity) -> Bool {
            lhs.rank < rhs.rank
        }

        private var rank: Int {
            switch self {
            case .critical: 0
            case .warning: 1
            case .info: 2
            }
        }
    }

    /// What is wrong.
    public var kind: DiscrepancyKind
    /// The PortOne payment id concerned, if any.
    public var paymentId: String?
    /// The application user concerned, if known.
    public var userId: String?
    /// What the rules call for, as a JSON object.
    public var expected: JSONValue
    /// What was found, as a JSON object.
    public var actual: JSONValue
    /// One human sentence for the report.
    public var detail: String

    /// Creates a discrepancy.
    public init(
        kind: DiscrepancyKind, paymentId: String?, userId: String?, expected: JSONValue, actual: JSONValue,
        detail: String
    ) {
        self.kind = kind
        self.paymentId = paymentId
        self.userId = userId
        self.expected = expected
        self.actual = actual
        self.detail = detail
    }

    /// The kind's severity.
    public var severity: Discrepancy.Severity { kind.severity }

    /// What a finance reviewer should check (the kind's ``DiscrepancyKind/reviewerAction``).
    public var reviewerAction: String { kind.reviewerAction }

    /// The identity across runs: kind plus payment id, else kind plus user id, else the kind
    /// alone (run-level kinds), e.g. `CREDIT_MISMATCH payment:pay_1`. A decision returns at most one
    /// discrepancy per key.
    public var deduplicationKey: String {
        if let paymentId { return "\(kind.rawValue) payment:\(paymentId)" }
        if let userId { return "\(kind.rawValue) user:\(userId)" }
        return kind.rawValue
    }
}
