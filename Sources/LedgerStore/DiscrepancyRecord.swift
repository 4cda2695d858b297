/// A finding a run hands to `DiscrepancyStore.record` (the engine maps its core values here).
///
/// Its subject, which deduplicates it across runs together with `kind`, is the payment when
/// `paymentId` is set, else the user, else the run level (`reconciler.discrepancy.subject`).
public struct DiscrepancyRecord: Sendable, Hashable {
    /// `AMOUNT_MISMATCH`, `BALANCE_DRIFT`, ... (upper case and underscores).
    public var kind: String
    /// `critical`, `warning` or `info`.
    public var severity: String
    /// The PortOne payment it is about, if any.
    public var paymentId: String?
    /// The user it is about, if any.
    public var userId: String?
    /// What the ledger should hold, as a JSON document.
    public var expectedJSON: String
    /// What the ledger holds, as a JSON document.
    public var actualJSON: String
    /// The PortOne payment as the run saw it, as a JSON document.
    public var evidenceJSON: String?
    /// One human sentence for the report.
    public var detail: String

    /// Creates a finding.
    public init(
        kind: String, severity: String, paymentId: String? = nil, userId: String? = nil,
        expectedJSON: String = "{}", actualJSON: String = "{}", evidenceJSON: String? = nil, detail: String = ""
    ) {
        self.kind = kind
        self.severity = severity
        self.paymentId = paymentId
        self.userId = userId
        self.expectedJSON = expectedJSON
        self.actualJSON = actualJSON
        self.evidenceJSON = evidenceJSON
        self.detail = detail
    }

    /// The subject as the database computes it: `payment:<id>`, `user:<id>` or `run`.
    public var subject: String {
        if let paymentId { return "payment:" + paymentId }
        if let userId { return "user:" + userId }
        return "run"
    }
}
