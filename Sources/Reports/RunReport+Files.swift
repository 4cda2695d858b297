import ReconcilerCore
import WireFormat

extension RunReport {
    /// Writes the report file of `format` to `emit`, piece by piece (see
    /// ``write(_:streams:sortedDiscrepancies:emitters:)``, which writes several at once).
    public func write(
        _ format: ReportFormat, streams: Streams? = nil, sortedDiscrepancies: DiscrepancyEntries? = nil,
        emit: (String) throws -> Void
    ) throws {
        try withoutActuallyEscaping(emit) { emit in
            try write([format], streams: streams, sortedDiscrepancies: sortedDiscrepancies, emitters: [emit])
        }
    }

    /// Writes the report file of each of `formats` to the emitter at the same position, piece
    /// by piece, byte for byte what `format.render(document, json: serializedDocument)` gives
    /// for the report with every entry in it, without ever holding every entry: the JSON and the
    /// CSV are written entry by entry, the Markdown and HTML pages keep only the first lines of
    /// each list they show. The JSON reads the entries once; the CSV, Markdown and HTML share
    /// one more reading of them.
    ///
    /// `streams`, when given, replace ``fixes`` and ``discrepancies`` (as in
    /// ``serializeDocument(pieceSize:streams:emit:)``); `sortedDiscrepancies` then hands over
    /// the same discrepancies most severe first, then by kind and id (the order the CSV, HTML
    /// and Markdown list them in). Each stream may be read more than once.
    public func write(
        _ formats: [ReportFormat], streams: Streams? = nil, sortedDiscrepancies: DiscrepancyEntries? = nil,
        emitters: [(String) throws -> Void]
    ) throws {
        precondition(formats.count == emitters.count, "one emitter per format")
        for (format, emit) in zip(formats, emitters) where format == .json {
            try serializeDocument(pieceSize: 1 << 16, streams: streams, emit: emit)
            try emit("\n")
        }
        let csv = zip(formats, emitters).filter { $0.0 == .csv }.map(\.1)
        let pages = zip(formats, emitters).filter { $0.0 == .md || $0.0 == .html }
        guard !csv.isEmpty || !pages.isEmpty else { return }

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
        let labels = ReportLabels(locale: locale)
        var buffer = CSVReport.head(labels: labels)
        func add(_ row: @autoclosure () -> [String: ReportRows.Cell]) throws {
            guard !csv.isEmpty else { return }
            buffer += CSVReport.line(row())
            guard buffer.utf8.count >= 1 << 16 else { return }
            for emit in csv { try emit(buffer) }
            buffer = ""
        }
        var digest = ReportDigest(limit: max(MarkdownReport.listLimit, HTMLReport.rowLimit))
        try fixes { fix in
            try add(ReportRows.fixRow(fix, labels: labels))
            digest.add(fix: fix)
        }
        for entry in plannedFixes.lazy.map(Self.json) {
            try add(ReportRows.plannedRow(entry, labels: labels))
            digest.add(planned: entry)
        }
        try discrepancies { entry in
            try add(ReportRows.discrepancyRow(entry, labels: labels))
            digest.add(discrepancy: entry)
        }
        for emit in csv { try emit(buffer) }
        guard !pages.isEmpty else { return }
        let head = document(changes: streams?.discrepancies == nil ? nil : streams?.changes, entries: false)
        for (format, emit) in pages {
            try emit(
                format == .md
                    ? MarkdownReport.render(head, digest: digest) + "\n" : HTMLReport.render(head, digest: digest))
        }
    }
}
