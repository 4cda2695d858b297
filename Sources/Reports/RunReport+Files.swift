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
        let tables = TableFiles(self, formats: formats, emitters: emitters)
        guard !tables.isEmpty else { return }
        if let stream = streams?.fixes {
            try stream { try tables.add($0) }
        } else {
            for fix in fixes { try tables.add(fix) }
        }
        let streamed = streams?.discrepancies != nil
        try tables.finish(
            discrepancies: streamed ? sortedDiscrepancies : nil, changes: streamed ? streams?.changes : nil)
    }
}

extension RunReport {
    /// The CSV, Markdown and HTML files of a report, written from one reading of its entries:
    /// the fixes handed over one at a time (``add(_:)``, while the JSON document is written from
    /// the same reading, when the caller wants), then the planned fixes and the discrepancies
    /// (``finish(discrepancies:changes:)``). The CSV is written line by line; the Markdown and
    /// HTML pages keep a digest of each list (its length and first lines). The bytes are those
    /// of ``RunReport/write(_:streams:sortedDiscrepancies:emitters:)``, which is built on it.
    public final class TableFiles {
        private let report: RunReport
        private let csv: [(String) throws -> Void]
        private let pages: [(format: ReportFormat, emit: (String) throws -> Void)]
        private let labels: ReportLabels
        private var buffer: String
        private var digest = ReportDigest(limit: max(MarkdownReport.listLimit, HTMLReport.rowLimit))

        /// The files of `formats` other than JSON, each written to the emitter at its position.
        public init(_ report: RunReport, formats: [ReportFormat], emitters: [(String) throws -> Void]) {
            precondition(formats.count == emitters.count, "one emitter per format")
            self.report = report
            csv = zip(formats, emitters).filter { $0.0 == .csv }.map(\.1)
            pages = zip(formats, emitters).filter { $0.0 == .md || $0.0 == .html }.map { (format: $0.0, emit: $0.1) }
            labels = ReportLabels(locale: report.locale)
            buffer = CSVReport.head(labels: labels)
        }

        /// Whether none of the formats is a CSV, Markdown or HTML file.
        public var isEmpty: Bool { csv.isEmpty && pages.isEmpty }

        /// Adds the next fix, in the order the document lists them.
        public func add(_ fix: Fix) throws {
            let entry = RunReport.json(fix)
            try addLine(ReportRows.fixRow(entry, labels: labels))
            digest.add(fix: entry)
        }

        /// Adds the planned fixes and the discrepancies, and writes out the rest of every file.
        /// `discrepancies`, when given, hands over the report's discrepancies most severe first,
        /// then by kind and id (else the report's own are sorted); `changes` are the streamed
        /// discrepancies' (the document's `changes`; nil for the report's own discrepancies).
        public func finish(discrepancies stream: DiscrepancyEntries?, changes: [String: Int]?) throws {
            for entry in report.plannedFixes.lazy.map(RunReport.json) {
                try addLine(ReportRows.plannedRow(entry, labels: labels))
                digest.add(planned: entry)
            }
            let runId = report.run.id
            func add(_ entry: JSONValue) throws {
                try addLine(ReportRows.discrepancyRow(entry, labels: labels))
                digest.add(discrepancy: entry)
            }
            if let stream {
                try stream { try add(RunReport.json($0, runId: runId)) }
            } else {
                for entry in report.discrepancies.map({ RunReport.json($0, runId: runId) }).sorted(
                    by: ReportRows.precedes)
                {
                    try add(entry)
                }
            }
            for emit in csv { try emit(buffer) }
            buffer = ""
            guard !pages.isEmpty else { return }
            let head = report.document(changes: changes, entries: false)
            for (format, emit) in pages {
                try emit(
                    format == .md
                        ? MarkdownReport.render(head, digest: digest) + "\n" : HTMLReport.render(head, digest: digest))
            }
        }

        private func addLine(_ row: @autoclosure () -> [String: ReportRows.Cell]) throws {
            guard !csv.isEmpty else { return }
            buffer += CSVReport.line(row())
            guard buffer.utf8.count >= 1 << 16 else { return }
            for emit in csv { try emit(buffer) }
            buffer = ""
        }
    }
}
