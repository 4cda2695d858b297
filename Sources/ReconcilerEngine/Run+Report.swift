import Foundation
import LedgerStore
import ReconcilerCore
import Reports
import WireFormat

extension Run {
    /// The run's report, as it will be stored with the run (`storeReport`) and written to files,
    /// without its fixes and discrepancies: there can be tens of thousands, read from the
    /// database page by page while the report is stored (``reportStreams()``) or, for the
    /// report files, all at once (``withEntries(_:)``).
    ///
    /// For a run that did not succeed, what the database cannot tell any more is left out
    /// rather than failing again.
    func buildReport(status: RunOutcome, error: String?) -> (report: RunReport, finishedAt: Date) {
        let finishedAt = engine.now().date
        if status != .succeeded, openCounts.isEmpty, let open = try? discrepancies.openCounts() { openCounts = open }
        let dryRun = request.dryRun
        let open = openCounts.compactMap(\.reportCount)
        if open.count < openCounts.count {
            engine.event(
                .warning, "open discrepancies of a kind this build does not know are left out of the report",
                ["run": "\(runId)"])
        }
        let report = RunReport(
            run: RunReport.Run(
                id: runId, trigger: request.trigger, mode: dryRun ? .dryRun : .apply,
                windowFrom: window?.from.date, windowUntil: window?.until.date,
                paymentIds: request.paymentIds.isEmpty ? nil : request.paymentIds,
                startedAt: handle?.startedAt ?? finishedAt, finishedAt: finishedAt, status: status,
                error: error),
            totals: (try? JSONValue.parse(Data(totals.json.utf8))) ?? .object([:]),
            // Read from the database while the report is stored (`fixEntries`): there can be tens of thousands.
            fixes: [],
            plannedFixes: planned.map { repair in
                RunReport.PlannedFix(
                    repair: repair, reason: !repair.isAutoApplicable ? "notAutoFix" : dryRun ? "dryRun" : "fixLimit",
                    userEmail: tally.emails[repair.userId], payment: tally.payments[repair.paymentId])
            },
            discrepancies: [],
            reconciliation: withClosure(tally.finished(totals: totals, planned: planned)), daily: tally.series,
            openDiscrepancies: open, locale: configuration.reports.locale,
            sources: sources)
        return (report, finishedAt)
    }

    /// Writes the metrics file, keeps the document for the notification and queues the report
    /// e-mail, after ``record(_:outcome:error:streams:runId:)`` stored the report and wrote its
    /// files. A failure is logged, not fatal. The document's tree and text are built only when
    /// one of them needs them: with `streams` (the run's entries in the database), `report` has
    /// no entries and the document with every entry is read back (``withEntries(_:)``), only
    /// when one of them is configured.
    ///
    /// A tick of the follow loop (one every few seconds while money moves) leaves the metrics
    /// file to the runs: its report stays in the database, its figures go to the daemon's follow
    /// metrics, and it still notifies.
    private func writeOutputs(_ report: RunReport, streams: RunReport.Streams?) {
        let isTick = request.trigger == .follow
        let metrics = isTick ? nil : configuration.metricsTextfile
        let mails = !isTick && engine.settings.reportMailer != nil && !configuration.reports.email.to.isEmpty
        guard metrics != nil || configuration.notifyWebhookURL != nil || mails else { return }
        // The mail's parts are rendered whole (an opt-in; a report of a million repairs makes a
        // mail nobody opens either way).
        let full = streams == nil ? report : withEntries(report)
        let document = full.document
        notification = document
        if !isTick { writeMetrics(document) }
        if mails { queueReportMail(document, json: full.serializedDocument) }
    }

    private func reportFilesNotWritten(_ error: ReportFiles.WriteError) {
        engine.event(
            .error,
            "report files not written; the report is kept in reconciler.run and `credit-reconciler report --run \(runId)` prints it",
            ["run": "\(runId)", "error": error.description])
    }

    /// Records the run as `outcome` with its report (``RunRecorder/finish(_:outcome:totalsJSON:error:report:finishedAt:)``)
    /// and writes the report files from the same reading of its fixes: the JSON file is the
    /// stored document's text as it is sent, the CSV, Markdown and HTML take each fix as it
    /// goes by (`RunReport.TableFiles`), then read the discrepancies in their own order. The
    /// files are renamed into place only once the run is recorded; a file that cannot be
    /// written is logged and never stops the recording (the report stays in the database and
    /// `credit-reconciler report` renders it again). A tick of the follow loop writes no files.
    /// Then the metrics file, the notification and the mail (``writeOutputs(_:streams:)``).
    ///
    /// Without `streams`, `report` carries its entries (a failed run reads them first: the
    /// database may be why it failed).
    func record(
        _ built: (report: RunReport, finishedAt: Date), outcome: RunOutcome, error: String?,
        streams given: RunReport.Streams?, runId: Int64
    ) throws(LedgerStoreError) {
        let report = built.report
        let streams = given ?? RunReport.Streams()
        let record = { (streams: RunReport.Streams, tee: ((String) -> Void)?) throws(LedgerStoreError) in
            try self.recorder.finish(
                runId, outcome: outcome, totalsJSON: self.totals.json, error: error,
                report: Self.pieces(of: report, streams: streams, tee: tee), finishedAt: built.finishedAt)
        }
        guard request.trigger != .follow, let directory = engine.settings.reportDirectory else {
            try record(streams, nil)
            writeOutputs(report, streams: given)
            return
        }
        let formats = engine.settings.reportFormats
        var recordError: LedgerStoreError?
        var recorded = false
        do throws(ReportFiles.WriteError) {
            let paths = try ReportFiles.write(streamed: formats.map { $0.fileName(runId: runId) }, into: directory) {
                emitters in
                var fileError: (any Error)?
                let tables = RunReport.TableFiles(report, formats: formats, emitters: emitters)
                let json = zip(formats, emitters).first { $0.0 == .json }?.1
                let fixes = streams.fixes.map { stream in
                    { (each: (RunReport.Fix) throws -> Void) throws in
                        try stream { fix in
                            if fileError == nil, !tables.isEmpty {
                                do { try tables.add(fix) } catch { fileError = error }
                            }
                            try each(fix)
                        }
                    }
                }
                let tapped = RunReport.Streams(
                    fixes: fixes, discrepancies: streams.discrepancies, changes: streams.changes)
                do throws(LedgerStoreError) {
                    recorded = true
                    try record(tapped) { piece in
                        guard fileError == nil, let json else { return }
                        do { try json(piece) } catch { fileError = error }
                    }
                } catch {
                    recordError = error
                    throw error
                }
                if let fileError { throw fileError }
                try json?("\n")
                if streams.fixes == nil { for fix in report.fixes { try tables.add(fix) } }
                let streamed = streams.discrepancies != nil
                try tables.finish(
                    discrepancies: streamed ? sortedDiscrepancyEntries : nil, changes: streamed ? streams.changes : nil)
            }
            engine.event(.info, "report written", ["run": "\(runId)", "files": paths.joined(separator: ",")])
        } catch {
            if let recordError { throw recordError }
            reportFilesNotWritten(error)
            // The directory could not be prepared: the run is recorded without its files.
            if !recorded { try record(streams, nil) }
        }
        writeOutputs(report, streams: given)
    }

    /// Writes the Prometheus textfile, if configured. The last success comes from the database
    /// (so a failed run keeps it), else from the previous file.
    func writeMetrics(_ document: JSONValue) {
        guard let path = configuration.metricsTextfile else { return }
        let lastSuccess: Int64?
        if let record = try? recorder.latestRun(status: .succeeded) {
            lastSuccess = record.finishedAt.map { Int64($0.timeIntervalSince1970.rounded(.down)) }
        } else {
            lastSuccess = MetricsFile.lastSuccess(inFileAt: path)
        }
        do {
            try MetricsFile(document: document, lastSuccess: lastSuccess).write(to: path)
        } catch {
            engine.event(.error, "metrics file not written", ["run": "\(runId)", "error": error.description])
        }
    }

    private static func json(_ text: String?) -> JSONValue {
        text.flatMap { try? JSONValue.parse(Data($0.utf8)) } ?? .object([:])
    }

    /// The payment as the stored evidence shows it (for discrepancies the run closed).
    private static func payment(evidence: String?) -> RunReport.Payment? {
        guard let evidence, let value = try? JSONValue.parse(Data(evidence.utf8)), case .object = value else {
            return nil
        }
        func date(_ field: JSONValue) -> Date? { field.stringValue.flatMap(RFC3339.timestamp)?.date }
        let cancelledAt = value["cancellations"].arrayValue.filter { $0["status"].stringValue == "SUCCEEDED" }
            .compactMap { date($0["cancelledAt"]) ?? date($0["requestedAt"]) }.max()
        return RunReport.Payment(
            status: value["status"].stringValue ?? "", currency: value["currency"].stringValue ?? "",
            totalAmount: value["amount"]["total"].integerValue ?? 0,
            cancelledAmount: value["amount"]["cancelled"].integerValue ?? 0,
            orderName: value["orderName"].stringValue ?? "", paidAt: date(value["paidAt"]), cancelledAt: cancelledAt,
            statusChangedAt: date(value["statusChangedAt"]), package: nil)
    }
}

extension Run {
    /// Pieces of the report text sent to the database at a time (see `RunRecorder.finish`).
    static let reportPieceSize = 1 << 20

    /// Writes `report`'s text to `emit` piece by piece, for `RunRecorder.finish(report:)`, with
    /// the entries of `streams` when given.
    /// `tee`, when given, sees every piece too, after the database took it.
    static func pieces(
        of report: RunReport, streams: RunReport.Streams? = nil, tee: ((String) -> Void)? = nil
    ) -> RunRecorder.ReportWriter {
        { (emit) throws(LedgerStoreError) in
            do {
                try report.serializeDocument(pieceSize: reportPieceSize, streams: streams) { piece in
                    try emit(piece)
                    tee?(piece)
                }
            } catch let error as LedgerStoreError {
                throw error
            } catch {
                // Reports' serializer has no typed error: what it passes on comes from `emit` and
                // the streams (the store's), or from nowhere.
                throw .refused("the run's report could not be written: \(error)")
            }
        }
    }

    /// What the stored report streams: the fixes and the discrepancies, read a page at a time.
    func reportStreams() throws(LedgerStoreError) -> RunReport.Streams {
        RunReport.Streams(
            fixes: fixEntries, discrepancies: discrepancyEntries,
            changes: try timed("report_discrepancies", try discrepancies.changes(touchedByRun: runId)))
    }

    /// `report` with every fix and discrepancy in it (for the report files, which render a tree,
    /// and for a failed run, whose database may be why it failed: what cannot be read is left
    /// out and logged).
    func withEntries(_ report: RunReport) -> RunReport {
        var report = report
        do {
            var fixes: [RunReport.Fix] = []
            try fixEntries { fixes.append($0) }
            report.fixes = fixes
            var entries: [RunReport.Entry] = []
            try discrepancyEntries { entries.append($0) }
            report.discrepancies = entries
        } catch {
            engine.event(
                .error,
                "the run's fixes and discrepancies could not be read back for its report; it lists what was read",
                ["run": "\(runId)", "error": "\(error)"])
        }
        return report
    }

    /// Hands the discrepancies the run touched, as the report lists them, to `each`, reading
    /// them a page at a time with the e-mails and payments the run does not hold.
    ///
    /// Untyped like the `each` of Reports' streams; what the store throws is `LedgerStoreError`.
    func discrepancyEntries(_ each: (RunReport.Entry) throws -> Void) throws {
        try discrepancyEntries(
            pages: { (after) throws(LedgerStoreError) in
                try discrepancies.discrepancies(touchedByRun: runId, afterId: after, limit: 2_000)
            }, each)
    }

    /// Hands the discrepancies the run touched to `each` like ``discrepancyEntries(_:)``, most
    /// severe first, then by kind and id: the order the CSV, HTML and Markdown files list them
    /// in, read one kind at a time (a kind's severity is fixed).
    func sortedDiscrepancyEntries(_ each: (RunReport.Entry) throws -> Void) throws {
        let groups = try timed("report_discrepancies", try discrepancies.kindsAndSeverities(touchedByRun: runId))
            .compactMap { group -> (kind: DiscrepancyKind, severity: Discrepancy.Severity)? in
                guard let kind = DiscrepancyKind(rawValue: group.kind),
                    let severity = Discrepancy.Severity(rawValue: group.severity)
                else { return nil }
                return (kind, severity)
            }
            .sorted { ($0.severity, $0.kind.rawValue) < ($1.severity, $1.kind.rawValue) }
        for group in groups {
            try discrepancyEntries(
                pages: { (after) throws(LedgerStoreError) in
                    try discrepancies.discrepancies(
                        touchedByRun: runId, kind: group.kind.rawValue, severity: group.severity.rawValue,
                        afterId: after, limit: 2_000)
                }, each)
        }
    }

    /// Hands the discrepancies of `pages` (each the page after a discrepancy id) to `each`.
    private func discrepancyEntries(
        pages: (_ after: Int64) throws(LedgerStoreError) -> [StoredDiscrepancy],
        _ each: (RunReport.Entry) throws -> Void
    ) throws {
        var after: Int64 = 0
        while true {
            let page = try timed("report_discrepancies", try pages(after))
            guard let last = page.last else { return }
            // The payments the run queued for repair travel with the queue, not in the tally.
            var payments: [String: RunReport.Payment] = [:]
            let queued = Set(page.compactMap(\.paymentId)).filter { tally.payments[$0] == nil }
            if !queued.isEmpty {
                for (paymentId, text) in try repairQueue.reports(paymentIds: queued.sorted()) {
                    payments[paymentId] = PendingUnit.report(text)?.payment
                }
            }
            // The e-mails the run did not read anyway (users of closed discrepancies).
            var emails: [String: String] = [:]
            let unknown = Set(page.compactMap(\.userId)).filter { tally.emails[$0] == nil }
            if !unknown.isEmpty {
                for (userId, account) in try reader.accounts(userIds: unknown.sorted()) {
                    emails[userId] = account.email
                }
            }
            for stored in page {
                guard let vocabulary = stored.reportVocabulary else {
                    engine.event(
                        .warning, "a discrepancy of a kind this build does not know is left out of the report",
                        ["run": "\(runId)", "discrepancy": "\(stored.id)", "kind": stored.kind])
                    continue
                }
                try each(
                    RunReport.Entry(
                        id: stored.id, kind: vocabulary.kind, severity: vocabulary.severity, status: stored.status,
                        paymentId: stored.paymentId, userId: stored.userId,
                        expected: Self.json(stored.expectedJSON), actual: Self.json(stored.actualJSON),
                        firstSeenRunId: stored.firstSeenRunId, occurrences: stored.occurrences, detail: stored.detail,
                        userEmail: stored.userId.flatMap { tally.emails[$0] ?? emails[$0] },
                        payment: stored.paymentId.flatMap { tally.payments[$0] ?? payments[$0] }
                            ?? Self.payment(evidence: stored.evidenceJSON),
                        lastSeenRunId: stored.lastSeenRunId, closedRunId: stored.closedRunId,
                        resolutionNote: stored.resolutionNote))
            }
            after = last.id
        }
    }

    /// Hands the run's fixes, as the report lists them, to `each`, reading them a page at a time.
    ///
    /// Untyped like the `each` of Reports' streams; what the store throws is `LedgerStoreError`.
    func fixEntries(_ each: (RunReport.Fix) throws -> Void) throws {
        var after: Int64 = 0
        while true {
            let page = try timed("report_fixes", try repairQueue.fixes(afterFixId: after, limit: 2_000))
            guard let last = page.last else { return }
            for written in page {
                let fix = written.fix
                let report = written.report.flatMap(PendingUnit.report)
                let payment = report?.payment
                let email = report?.email ?? tally.emails[fix.userId]
                try each(
                    RunReport.Fix(
                        kind: fix.kind, paymentId: fix.paymentId, userId: fix.userId, credits: fix.credits,
                        creditTransactionId: fix.creditTransactionId, balanceBefore: fix.balanceBefore,
                        balanceAfter: fix.balanceAfter, cancellationId: fix.cancellationId, userEmail: email,
                        payment: payment, cause: fix.kind == .missedGrant ? report?.cause : nil,
                        origin: fix.kind == .missedRefund ? report?.origin : nil))
            }
            after = last.fix.fixId
        }
    }
}
