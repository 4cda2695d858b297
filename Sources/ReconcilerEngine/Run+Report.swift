import Foundation
import LedgerStore
import ReconcilerCore
import Reports

extension Run {
    /// The run's report document, as it will be stored with the run and written to files.
    func buildReport(status: RunOutcome, error: String?) throws -> (document: JSONValue, json: String, finishedAt: Date)
    {
        let finishedAt = Date()
        let seen = try discrepancies.discrepancies(touchedByRun: runId)
        let report = RunReport(
            run: RunReport.Run(
                id: runId, trigger: request.trigger.rawValue, mode: request.dryRun ? "dry-run" : "apply",
                windowFrom: window?.from.date, windowUntil: window?.until.date,
                paymentIds: request.paymentIds.isEmpty ? nil : request.paymentIds,
                startedAt: handle?.startedAt ?? finishedAt, finishedAt: finishedAt, status: status.rawValue,
                error: error),
            totals: (try? JSONValue.parse(Data(totals.json.utf8))) ?? .object([:]),
            fixes: fixes.map { fix in
                RunReport.Fix(
                    kind: fix.kind.rawValue, paymentId: fix.paymentId, userId: fix.userId, credits: fix.credits,
                    creditTransactionId: fix.creditTransactionId, balanceBefore: fix.balanceBefore,
                    balanceAfter: fix.balanceAfter, cancellationId: fix.cancellationId)
            },
            plannedFixes: planned,
            discrepancies: seen.map { stored in
                RunReport.Entry(
                    id: stored.id, kind: stored.kind, severity: stored.severity, status: stored.status.rawValue,
                    paymentId: stored.paymentId, userId: stored.userId,
                    expected: Self.json(stored.expectedJSON), actual: Self.json(stored.actualJSON),
                    firstSeenRunId: stored.firstSeenRunId, occurrences: stored.occurrences, detail: stored.detail)
            })
        let document = report.document
        return (document, document.serialized(), finishedAt)
    }

    /// Writes the report files the settings ask for; a failure is logged, not fatal: the
    /// report stays in the database and `credit-reconciler report` renders it again.
    func writeReportFiles(_ document: JSONValue) {
        guard let directory = engine.settings.reportDirectory else { return }
        var files: [(name: String, content: String)] = []
        for format in engine.settings.reportFormats {
            switch format {
            case "json": files.append(("run-\(runId).json", document.serialized() + "\n"))
            case "md": files.append(("run-\(runId).md", MarkdownReport.render(document) + "\n"))
            default: continue
            }
        }
        do {
            let paths = try ReportFiles.write(files, into: directory)
            engine.log("run \(runId): report written to \(paths.joined(separator: ", "))")
        } catch {
            engine.log(
                "run \(runId): \(error); the report is kept in reconciler.run and `credit-reconciler report --run \(runId)` prints it"
            )
        }
    }

    private static func json(_ text: String?) -> JSONValue {
        text.flatMap { try? JSONValue.parse(Data($0.utf8)) } ?? .object([:])
    }
}
