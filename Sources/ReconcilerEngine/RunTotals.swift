import ReconcilerCore
import WireFormat

/// The counts of one run: the `totals` of the report contract (ARCHITECTURE §6.2) plus the detail an
/// operator needs to trust them. Stored as JSON in `reconciler.run.totals`.
public struct RunTotals: Sendable, Hashable, Codable {
    /// Payments PortOne returned (scan and look-ups), each counted once.
    public var paymentsScanned = 0
    /// `CreditTransaction` rows read.
    public var ledgerRowsScanned = 0
    /// Payments whose ledger already matched PortOne.
    public var matched = 0
    /// Repairs written to the ledger.
    public var fixesApplied = 0
    /// Repairs found but not written (dry run, policy, or a tripped limit).
    public var fixesPlanned = 0
    /// Credits granted by applied repairs.
    public var creditsGranted: Int64 = 0
    /// Credits deducted by applied repairs.
    public var creditsDeducted: Int64 = 0
    /// Open discrepancies after the run.
    public var discrepanciesOpen = 0
    /// Discrepancies first seen in this run.
    public var discrepanciesNew = 0
    /// Discrepancies this run saw gone and closed.
    public var discrepanciesClosed = 0
    /// Payments by how the core classified them.
    public var classifications: [String: Int] = [:]
    /// Ledger payments the scan did not return, looked up by id.
    public var paymentsLookedUp = 0
    /// Items PortOne returned that could not be decoded.
    public var unparseablePayments = 0
    /// Payments whose repair found nothing left to do on fresh data (e.g. a webhook was faster).
    public var repairsSuperseded = 0
    /// SQL statements the run sent to PostgreSQL.
    public var sqlStatements = 0
    /// Events read from PortOne's journal of payment events over the window.
    public var eventsRead = 0
    /// Payments with an event in the window that the status scan did not return.
    public var paymentsRevealedByEvents = 0
    /// Whether the run read PortOne's journal: nil until a window run has read it (and for a
    /// run by payment id); not in ``json``, the report keeps it under `sources`.
    public var eventsFeed: EventsFeedStatus?
    /// PortOne API requests by outcome.
    public var apiRequests: [String: Int] = [:]
    /// Decided payments whose ledger holds exactly what PortOne's amounts call for after the
    /// run's repairs (DESIGN §4.7).
    public var paymentsClosedExactly = 0
    /// Decided payments whose difference an open discrepancy or a planned repair explains.
    public var paymentsExplained = 0
    /// Decided payments with a difference nothing explains (`UNEXPLAINED_DIFFERENCE`).
    public var paymentsUnexplained = 0
    /// The plan the run stored (a dry run, or a run over its limits), named in its report's totals.
    public var plan: PlanReference?

    /// A stored plan, as a run's totals name it.
    public struct PlanReference: Sendable, Hashable, Codable {
        /// Its id.
        public var id: Int64
        /// Its SHA-256.
        public var hash: String
    }

    /// Empty totals.
    public init() {}

    /// Compact JSON with sorted keys.
    public var json: String {
        var fields: [String: JSONValue] = [
            "paymentsScanned": .integer(Int64(paymentsScanned)),
            "ledgerRowsScanned": .integer(Int64(ledgerRowsScanned)),
            "matched": .integer(Int64(matched)),
            "fixesApplied": .integer(Int64(fixesApplied)),
            "fixesPlanned": .integer(Int64(fixesPlanned)),
            "creditsGranted": .integer(creditsGranted),
            "creditsDeducted": .integer(creditsDeducted),
            "discrepanciesOpen": .integer(Int64(discrepanciesOpen)),
            "discrepanciesNew": .integer(Int64(discrepanciesNew)),
            "discrepanciesClosed": .integer(Int64(discrepanciesClosed)),
            "paymentsLookedUp": .integer(Int64(paymentsLookedUp)),
            "unparseablePayments": .integer(Int64(unparseablePayments)),
            "repairsSuperseded": .integer(Int64(repairsSuperseded)),
            "sqlStatements": .integer(Int64(sqlStatements)),
            "eventsRead": .integer(Int64(eventsRead)),
            "paymentsRevealedByEvents": .integer(Int64(paymentsRevealedByEvents)),
            "paymentsClosedExactly": .integer(Int64(paymentsClosedExactly)),
            "paymentsExplained": .integer(Int64(paymentsExplained)),
            "paymentsUnexplained": .integer(Int64(paymentsUnexplained)),
        ]
        if let plan { fields["plan"] = .object(["id": .integer(plan.id), "hash": .string(plan.hash)]) }
        fields["classifications"] = .object(classifications.mapValues { .integer(Int64($0)) })
        fields["apiRequests"] = .object(apiRequests.mapValues { .integer(Int64($0)) })
        return JSONValue.object(fields).serialized()
    }
}
