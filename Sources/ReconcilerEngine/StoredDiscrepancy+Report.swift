import LedgerStore
import ReconcilerCore
import Reports

/// The store keeps discrepancy kinds as text, open to kinds a newer build records; the report
/// names them with the core's enums, so only what this build knows can be reported.
extension StoredDiscrepancy {
    /// The kind and severity as the report names them; nil for a kind or severity this build
    /// does not know (written by a newer credit-reconciler).
    var reportVocabulary: (kind: DiscrepancyKind, severity: Discrepancy.Severity)? {
        guard let kind = DiscrepancyKind(rawValue: kind), let severity = Discrepancy.Severity(rawValue: severity) else {
            return nil
        }
        return (kind, severity)
    }
}
