import ReconcilerCore
import WireFormat

extension RunReport {
    /// Writes the report file of `format` to `emit`, piece by piece, byte for byte what
    /// `format.render(document, json: serializedDocument)` gives for the report with every
    /// entry in it, without ever holding every entry: the JSON and the CSV are written entry by
    /// entry, the Markdown and HTML pages keep only the first lines of each list they show.
    ///
    /// `streams`, when given, replace ``fixes`` and ``discrepancies`` (as in
    /// ``serializeDocument(pieceSize:streams:emit:)``); `sortedDiscrepancies` then hands over
    /// the same discrepancies most severe first, then by kind and id (the order the CSV, HTML
    /// and Markdown list them in). Each stream may be read more than once.
    public func write(
        _ format: ReportFormat, streams: Streams? = nil, sortedDiscrepancies: DiscrepancyEntries? = nil,
        emit: (String) throws -> Void
    ) throws {
        if format == .json {
            try serializeDocument(pieceSize: 1 << 16, streams: streams, emit: emit)
            try emit("\n")
            return
        }
        let runId = run.id
        let fixes: (_ each: (JSONValue) throws -> Void) throws -> Void
        if let stream = streams?.fixes {
            fixes = { each in try stream { try each(Self.json($0)) } }
        } else {
            fixes = { each in for fix in self.fixes { try each(Self.json(fix)) } }
        }
        let discrepancies: (_ each: (JSONValue) throws -> Void) throws -> Void
        if streams?.discrepancies != nil, let sortedDiscrepancies {
            discrepancies = { each in try sortedDiscrepancies { try each(Self.json($0, runId: runId)) } }
        } else {
            discrepancies = { each in
                for entry in self.discrepancies.map({ Self.json($0, runId: runId) }).sorted(by: ReportRows.precedes) {
                    try each(entry)
                }
            }
        }
        let planned = plannedFixes.lazy.map(Self.json)
        let head = document(changes: streams?.discrepancies == nil ? nil : streams?.changes, entries: false)
        switch format {
        case .json:
            break
        case .csv:
            let labels = ReportLabels(locale: locale)
            var buffer = CSVReport.head(labels: labels)
            func add(_ line: String) throws {
                buffer += line
                guard buffer.utf8.count >= 1 << 16 else { return }
                try emit(buffer)
                buffer = ""
            }
            try fixes { try add(CSVReport.line(ReportRows.fixRow($0, labels: labels))) }
            for entry in planned { try add(CSVReport.line(ReportRows.plannedRow(entry, labels: labels))) }
            try discrepancies { try add(CSVReport.line(ReportRows.discrepancyRow($0, labels: labels))) }
            try emit(buffer)
        case .md, .html:
            var digest = ReportDigest(limit: max(MarkdownReport.listLimit, HTMLReport.rowLimit))
            try fixes { digest.add(fix: $0) }
            for entry in planned { digest.add(planned: entry) }
            try discrepancies { digest.add(discrepancy: $0) }
            try emit(
                format == .md
                    ? MarkdownReport.render(head, digest: digest) + "\n" : HTMLReport.render(head, digest: digest))
        }
    }
}
