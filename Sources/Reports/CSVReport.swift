import ReconcilerCore
import WireFormat

/// A run's repairs and discrepancies as one CSV for a spreadsheet on a Korean desktop: UTF-8
/// with a byte order mark (so Excel reads Hangul), RFC 4180 quoting with CRLF line ends, a
/// `section` column, headers in the report's locale, KST times, plain integer amounts, and
/// formula injection neutralised in every text cell.
public enum CSVReport {
    /// The byte order mark that starts the file.
    public static let byteOrderMark = "\u{FEFF}"

    /// Renders `document` (the JSON of ``RunReport/document``).
    public static func render(_ document: JSONValue) -> String {
        let labels = ReportLabels(locale: document["locale"].stringValue ?? "ko")
        var out = head(labels: labels)
        for row in ReportRows.rows(document, labels: labels) { out += line(row) }
        return out
    }

    /// The start of the file: the byte order mark and the header line, in `labels`' language.
    static func head(labels: ReportLabels) -> String {
        byteOrderMark + ReportRows.columns.map { field(labels($0)) }.joined(separator: ",") + "\r\n"
    }

    /// One line of the file, with its line end.
    static func line(_ row: [String: ReportRows.Cell]) -> String {
        ReportRows.columns.map { column -> String in
            switch row[column] ?? .empty {
            case .empty: ""
            case .number(let value): String(value)
            case .text(let text): field(neutralised(text))
            }
        }.joined(separator: ",") + "\r\n"
    }

    /// A text cell a spreadsheet will not run as a formula: text starting with `=`, `+`, `-`,
    /// `@`, a tab or a carriage return gets a leading apostrophe (OWASP's advice).
    public static func neutralised(_ text: String) -> String {
        guard let first = text.unicodeScalars.first else { return text }
        switch first {
        case "=", "+", "-", "@", "\t", "\r": return "'" + text
        default: return text
        }
    }

    /// An RFC 4180 field: quoted when it holds a comma, a quote, CR or LF (quotes doubled).
    public static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else {
            return text
        }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
