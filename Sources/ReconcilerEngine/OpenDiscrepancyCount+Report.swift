import LedgerStore
import ReconcilerCore
import Reports

/// The store counts open discrepancies by kind and severity as text; the report and the
/// metrics name them with the core's enums.
extension OpenDiscrepancyCount {
    /// The count as the report and the metrics name it; nil as for
    /// ``StoredDiscrepancy/reportVocabulary``.
    var reportCount: RunReport.OpenCount? {
        guard let kind = DiscrepancyKind(rawValue: kind), let severity = Discrepancy.Severity(rawValue: severity) else {
            return nil
        }
        return RunReport.OpenCount(kind: kind, severity: severity, count: count)
    }
}
