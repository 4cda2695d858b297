import Foundation
import Postgres
import ReconcilerCore

/// One `reconciler.discrepancy` row.
public struct StoredDiscrepancy: Sendable, Hashable {
    /// Its id (what `discrepancies resolve ID` takes).
    public var id: Int64
    /// Its kind.
    public var kind: String
    /// `critical`, `warning` or `info`.
    public var severity: String
    /// The payment it is about, if any.
    public var paymentId: String?
    /// The user it is about, if any.
    public var userId: String?
    /// `payment:<id>`, `user:<id>` or `run`.
    public var subject: String
    /// Expected, as JSON text (jsonb's normalised form).
    public var expectedJSON: String?
    /// Actual, as JSON text.
    public var actualJSON: String?
    /// The PortOne payment as seen, as JSON text.
    public var evidenceJSON: String?
    /// The human sentence.
    public var detail: String
    /// The run that saw it first.
    public var firstSeenRunId: Int64
    /// The run that saw it last.
    public var lastSeenRunId: Int64
    /// When it was seen first.
    public var firstSeenAt: Date
    /// When it was seen last.
    public var lastSeenAt: Date
    /// In how many runs it was seen.
    public var occurrences: Int
    /// Its review state.
    public var status: DiscrepancyStatus
    /// The run that saw it gone (`fixed`, or `resolved` by credit-reconciler).
    public var closedRunId: Int64?
    /// Why it was settled.
    public var resolutionNote: String?
    /// Who settled it.
    public var resolvedBy: String?
    /// When it was settled.
    public var resolvedAt: Date?

    /// The select list `init(row:)` reads (table alias `d`).
    static let selectColumns = """
        d.id, d.kind, d.severity, d.payment_id, d.user_id, d.subject, d.expected::text AS expected,
        d.actual::text AS actual, d.evidence::text AS evidence, d.detail, d.first_seen_run_id, d.last_seen_run_id,
        d.first_seen_at, d.last_seen_at, d.occurrences, d.status, d.closed_run_id, d.resolution_note,
        d.resolved_by, d.resolved_at
        """

    /// Reads a row selected with `selectColumns`.
    init(row: Row) throws {
        id = try row.decode("id")
        kind = try row.decode("kind")
        severity = try row.decode("severity")
        paymentId = try row.decode("payment_id")
        userId = try row.decode("user_id")
        subject = try row.decode("subject")
        expectedJSON = try row.decode("expected")
        actualJSON = try row.decode("actual")
        evidenceJSON = try row.decode("evidence")
        detail = try row.decode("detail")
        firstSeenRunId = try row.decode("first_seen_run_id")
        lastSeenRunId = try row.decode("last_seen_run_id")
        firstSeenAt = try row.decode("first_seen_at")
        lastSeenAt = try row.decode("last_seen_at")
        occurrences = try row.decode("occurrences")
        let statusText: String = try row.decode("status")
        guard let status = DiscrepancyStatus(rawValue: statusText) else {
            throw LedgerStoreError(
                "reconciler.discrepancy \(id) has status \"\(statusText)\", which this build does not know: "
                    + "upgrade credit-reconciler")
        }
        self.status = status
        closedRunId = try row.decode("closed_run_id")
        resolutionNote = try row.decode("resolution_note")
        resolvedBy = try row.decode("resolved_by")
        resolvedAt = try row.decode("resolved_at")
    }
}
