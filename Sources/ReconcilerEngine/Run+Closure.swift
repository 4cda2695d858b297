import Foundation
import LedgerStore
import ReconcilerCore
import Reports

/// What a repaired payment's ledger must hold after the run (DESIGN §4.7).
struct ClosureExpectation {
    /// The user the payment maps to.
    var userId: String?
    /// Credits its payment calls for.
    var grant: Int64
    /// Credits its successful cancellations take back.
    var deduction: Int64
    /// Whether a finding of the fresh decision (or a repair withheld) explains a difference.
    var explained: Bool
}

extension Run {
    /// Counts a payment decided without a repair to write: closed exactly when the ledger
    /// already holds what PortOne calls for, explained when a discrepancy or a planned-only
    /// repair names the difference; else returns the `UNEXPLAINED_DIFFERENCE` to record.
    func close(_ outcome: PaymentOutcome) -> Discrepancy? {
        guard let grant = outcome.expectedGrant, let deduction = outcome.expectedDeduction else { return nil }
        let verdict = PaymentClosure.verdict(
            expectedGrant: grant, expectedDeduction: deduction, ledgerPurchase: outcome.actualGrant,
            ledgerRefund: -outcome.actualDeduction,
            explained: !outcome.discrepancies.isEmpty || !outcome.repairs.isEmpty)
        count(verdict)
        guard verdict == .unexplained else { return nil }
        return PaymentClosure.unexplainedDifference(
            paymentId: outcome.paymentId, userId: outcome.userId, expectedGrant: grant, expectedDeduction: deduction,
            ledgerPurchase: outcome.actualGrant, ledgerRefund: -outcome.actualDeduction)
    }

    /// Keeps what a repaired payment's fresh decision calls for, to check once the repairs are written.
    func expectClosure(_ outcome: PaymentOutcome) {
        guard let grant = outcome.expectedGrant, let deduction = outcome.expectedDeduction else {
            closurePending[outcome.paymentId] = nil
            totals.paymentsExplained += 1  // not decided on fresh data: its findings say why
            return
        }
        closurePending[outcome.paymentId] = ClosureExpectation(
            userId: outcome.userId, grant: grant, deduction: deduction,
            explained: !findings(outcome).isEmpty || !outcome.plannedOnly.isEmpty
                || planChanged.contains(outcome.paymentId))
    }

    /// Reads the ledger of every repaired payment again and compares it with what its fresh
    /// decision called for; a difference nothing explains opens `UNEXPLAINED_DIFFERENCE`.
    func checkClosure() throws(RunError) {
        guard !closurePending.isEmpty else { return }
        let pending = closurePending
        closurePending = [:]
        let ids = pending.keys.sorted()
        var records: [DiscrepancyRecord] = []
        for start in stride(from: 0, to: ids.count, by: 1_000) {
            let batch = Array(ids[start..<min(start + 1_000, ids.count)])
            let ledger = try database("closure", try reader.entries(forPaymentIds: batch))
            for id in batch {
                guard let expected = pending[id] else { continue }
                let rows = ledger[id] ?? []
                let purchase = rows.filter { $0.type == .purchase }.reduce(0) { $0 + $1.amount }
                let refund = rows.filter { $0.type == .refund }.reduce(0) { $0 + $1.amount }
                let verdict = PaymentClosure.verdict(
                    expectedGrant: expected.grant, expectedDeduction: expected.deduction, ledgerPurchase: purchase,
                    ledgerRefund: refund, explained: expected.explained)
                count(verdict)
                if verdict == .unexplained {
                    records.append(
                        PaymentClosure.unexplainedDifference(
                            paymentId: id, userId: expected.userId, expectedGrant: expected.grant,
                            expectedDeduction: expected.deduction, ledgerPurchase: purchase, ledgerRefund: refund
                        ).record(evidence: nil))
                }
            }
        }
        if !records.isEmpty {
            engine.event(
                .error, "closure: payments left with a difference nothing explains (UNEXPLAINED_DIFFERENCE)",
                ["run": "\(runId)", "payments": "\(records.count)"])
        }
        try record(records)
    }

    func count(_ verdict: PaymentClosure) {
        switch verdict {
        case .closedExactly: totals.paymentsClosedExactly += 1
        case .explained: totals.paymentsExplained += 1
        case .unexplained: totals.paymentsUnexplained += 1
        }
    }

    /// The reconciliation with the closure counts.
    func withClosure(_ reconciliation: RunReport.Reconciliation?) -> RunReport.Reconciliation? {
        guard var reconciliation else { return nil }
        reconciliation.closure = RunReport.Closure(
            closedExactly: totals.paymentsClosedExactly, explained: totals.paymentsExplained,
            unexplained: totals.paymentsUnexplained)
        return reconciliation
    }
}
