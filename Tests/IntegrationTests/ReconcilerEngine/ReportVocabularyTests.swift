import LedgerStore
import ReconcilerCore
import Reports
import Testing

@testable import ReconcilerEngine

/// The store's text kinds and severities become the report's enums at the engine's boundary;
/// what a newer build recorded and this one does not know is left out, never misnamed.
@Suite struct ReportVocabularyTests {
    @Test(arguments: DiscrepancyKind.allCases)
    func everyKindThisBuildRecordsIsReportedAsItself(kind: DiscrepancyKind) {
        let count = OpenDiscrepancyCount(kind: kind.rawValue, severity: kind.severity.rawValue, count: 3)
        #expect(count.reportCount == RunReport.OpenCount(kind: kind, severity: kind.severity, count: 3))
    }

    @Test(arguments: [
        ("SOME_FUTURE_KIND", "critical"), ("BALANCE_DRIFT", "fatal"), ("balance_drift", "warning"), ("", ""),
    ])
    func whatThisBuildDoesNotKnowIsLeftOut(kind: String, severity: String) {
        #expect(OpenDiscrepancyCount(kind: kind, severity: severity, count: 1).reportCount == nil)
    }
}
