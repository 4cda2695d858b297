import Foundation
import LedgerStore
import ReconcilerCore

extension Run {
    /// The error a run stopped on request records.
    static let abortedError =
        "stopped on request (SIGTERM or SIGINT) after the repair in progress; the checkpoint was not moved, the next run covers the window again"

    /// Throws ``RunError/stopRequested`` when a stop was requested: called between units of work only.
    func checkStop() throws(RunError) {
        if control.isStopRequested { throw .stopRequested }
    }

    /// Hands the current counts to the progress callback.
    func reportProgress(_ phase: RunProgress.Phase) {
        control.onProgress(
            RunProgress(
                phase: phase, pagesScanned: pagesScanned, paymentsScanned: totals.paymentsScanned,
                repairsApplied: totals.fixesApplied, repairsQueued: queuedCount))
    }

    /// Records the run `aborted` with what it did so far (the checkpoint stays) and returns it.
    func recordAborted() throws(RunFailure) -> RunResult {
        guard let handle else { throw RunFailure.failed("the run was stopped on request before it started") }
        snapshotCounters()
        totals.fixesPlanned = planned.count
        if let open = try? discrepancies.openCounts() { totals.discrepanciesOpen = open.reduce(0) { $0 + $1.count } }
        do {
            let report = buildReport(status: .aborted, error: Self.abortedError)
            let streams = try reportStreams()
            try record(report, outcome: .aborted, error: Self.abortedError, streams: streams, runId: handle.runId)
            endQueue()
        } catch {
            throw RunFailure.failed(
                "run \(handle.runId) was stopped on request but could not be recorded as aborted (\(error)); the next run marks it abandoned"
            )
        }
        engine.log(
            "run \(handle.runId) aborted on request: \(totals.paymentsScanned) payments scanned, \(totals.fixesApplied) repairs applied; the checkpoint was not moved"
        )
        return RunResult(
            runId: handle.runId, outcome: .aborted, window: window, totals: totals, plannedRepairs: planned)
    }
}
