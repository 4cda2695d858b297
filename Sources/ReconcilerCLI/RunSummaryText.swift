import ReconcilerCore
import ReconcilerEngine
import WireFormat

/// The few lines `run` prints when it finishes: what an operator checks first.
enum RunSummaryText {
    static func render(_ result: RunResult, dryRun: Bool) -> String {
        let totals = result.totals
        var lines: [String] = []
        var header =
            "run \(result.runId) \(result.outcome.rawValue)\(dryRun ? " (dry run: nothing written to the ledger)" : "")"
        if let window = result.window {
            header += "\n  window            \(RFC3339.format(window.from)) → \(RFC3339.format(window.until))"
        }
        lines.append(header)
        lines.append("  payments scanned  \(totals.paymentsScanned) (\(totals.paymentsLookedUp) looked up by id)")
        switch totals.eventsFeed {
        case .read:
            lines.append(
                "  journal events    \(totals.eventsRead) (\(totals.paymentsRevealedByEvents) payment(s) the status scan did not return)"
            )
        case .unavailable(let reason):
            lines.append("  journal events    UNAVAILABLE, the status scan alone decided this run: \(reason)")
        case nil:
            break
        }
        lines.append("  ledger rows read  \(totals.ledgerRowsScanned)")
        lines.append("  matched           \(totals.matched)")
        lines.append(
            "  repairs applied   \(totals.fixesApplied) (+\(totals.creditsGranted) / −\(totals.creditsDeducted) credits)"
        )
        lines.append("  repairs planned   \(totals.fixesPlanned)")
        if let plan = result.plan, plan.runId == result.runId {
            lines.append(
                "  plan              \(plan.id) (sha256 \(plan.hash)): review with credit-reconciler plan show \(plan.id) --format html"
            )
        }
        lines.append(
            "  discrepancies     \(totals.discrepanciesOpen) open, \(totals.discrepanciesNew) new, \(totals.discrepanciesClosed) closed"
        )
        if totals.unparseablePayments > 0 {
            lines.append(
                "  unparseable       \(totals.unparseablePayments) payment(s) PortOne returned could not be read")
        }
        let requests = totals.apiRequests.values.reduce(0, +)
        lines.append("  work              \(requests) PortOne requests, \(totals.sqlStatements) SQL statements")
        let classes = totals.classifications.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
        lines.append("  by status         \(classes.joined(separator: ", "))")
        return lines.joined(separator: "\n")
    }
}
