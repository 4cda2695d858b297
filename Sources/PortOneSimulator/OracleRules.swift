import Foundation
import ReconcilerCore
import WireFormat

/// The simulator's own statement of the money rules of ARCHITECTURE §5.1–§5.2: which package a
/// payment bought, whether it was paid, and what its cancellations take back. The ledger
/// generator (``LedgerWriter``) writes the web app's ledger and `expected.json` from these.
///
/// Deliberately independent of ReconcilerCore's `PackageResolution` and `MoneyRules`: the
/// simulator produces the truth the reconciler is judged against, so it must not borrow the
/// reconciler's code. A defect in the core's rules then shows up as a disagreement with this
/// oracle instead of being copied into the expected results. It is written differently on
/// purpose (nanosecond instants instead of `RFC3339.Timestamp`, ceiling division without the
/// rounding modes) and states only what generated data needs: the web app's defaults (rounding
/// up), no ambiguity rules beyond "the only package at that price". `OracleAgreementTests`
/// (IntegrationTests) checks, over generated worlds, that both say the same for every payment.
public enum OracleRules {
    /// The catalog entry a payment bought: by `customData.packageId` when it names one (never
    /// falling back when that id is not on sale), else by order name, else the only entry at the
    /// payment's price; each only among entries on sale when the payment was requested
    /// (`requestedAt`, nanoseconds since the epoch).
    public static func package(
        packageId: String?, orderName: String, total: Int64, requestedAt: Int64, catalog: [CreditPackage]
    ) -> CreditPackage? {
        let onSale = catalog.filter { isOnSale($0, at: requestedAt) }
        if let packageId { return onSale.first { $0.id == packageId } }
        if let byName = onSale.first(where: { $0.name == orderName }) { return byName }
        let byPrice = onSale.filter { $0.price == total }
        return byPrice.count == 1 ? byPrice[0] : nil
    }

    /// Whether `package` was on sale at `nanoseconds` since the epoch: from `validFrom`
    /// (inclusive) until `validUntil` (exclusive), both exact to the microsecond like the
    /// configuration's instants.
    public static func isOnSale(_ package: CreditPackage, at nanoseconds: Int64) -> Bool {
        func instant(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1_000_000).rounded()) * 1000 }
        if let from = package.validFrom, nanoseconds < instant(from) { return false }
        if let until = package.validUntil, nanoseconds >= instant(until) { return false }
        return true
    }

    /// Whether a payment of this status ever received money: the statuses a payment reaches
    /// only through PAID, with its `paidAt` (a CANCELLED payment without one was cancelled
    /// before it was paid).
    public static func wasPaid(status: SimulatedPayment.PaymentStatus, paidAt: Timestamp?) -> Bool {
        paidAt != nil && [.paid, .partialCancelled, .cancelled].contains(status)
    }

    /// The credits a refund of `cancelled` out of `total` takes back: ceil(K × C / T), capped at K.
    public static func deduction(credits: Int64, cancelled: Int64, total: Int64) -> Int64 {
        guard total > 0, cancelled > 0 else { return 0 }
        if cancelled >= total { return credits }
        let product = credits.multipliedFullWidth(by: cancelled)
        let (q, r) = total.dividingFullWidth(product)
        return min(credits, r > 0 ? q + 1 : q)
    }
}
