import ReconcilerCore
import WireFormat

extension ReportFormat {
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
