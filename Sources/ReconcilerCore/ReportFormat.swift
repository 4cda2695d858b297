/// The formats a run's report renders to (`reports.formats`, `report --format`), all from the
/// one stored document, so a past run renders now exactly as it was written when it ran.
public enum ReportFormat: String, Sendable, Hashable, CaseIterable {
    /// The document itself (ARCHITECTURE §6.2).
    case json
    /// For a spreadsheet.
    case csv
    /// For chat and e-mail.
    case md
    /// One printable page with charts.
    case html

    /// The file name of run `runId`'s report in this format.
    public func fileName(runId: Int64) -> String {
        "run-\(runId).\(rawValue)"
    }
}
