import ReconcilerCore

/// The formats a report renders to, all from the one stored document, so a past run renders
/// now exactly as it was written when it ran.
public enum ReportFormat: String, Sendable, CaseIterable {
    /// The document itself (DESIGN §7).
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

    /// The file content for `document`, whose compact JSON text is `json` (as stored).
    public func render(_ document: JSONValue, json: String) -> String {
        switch self {
        case .json: json + "\n"
        case .csv: CSVReport.render(document)
        case .md: MarkdownReport.render(document) + "\n"
        case .html: HTMLReport.render(document)
        }
    }
}
