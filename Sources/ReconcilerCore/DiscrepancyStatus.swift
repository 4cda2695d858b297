/// The review state of a discrepancy (`reconciler.discrepancy.status`).
public enum DiscrepancyStatus: String, Sendable, Hashable, CaseIterable {
    /// Seen and not yet settled.
    case open
    /// Gone after a repair of its payment.
    case fixed
    /// Settled: by a person (`discrepancies resolve`) or gone on its own (resolved by
    /// `credit-reconciler`).
    case resolved
    /// Reviewed and deliberately left as it is (`discrepancies resolve --ignore`).
    case ignored
}
