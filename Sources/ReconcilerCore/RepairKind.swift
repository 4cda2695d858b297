/// The repairs a run can make (`policy.autoFix`, `reconciler.fix.kind`).
public enum RepairKind: String, Sendable, Hashable, CaseIterable {
    /// A paid payment without its PURCHASE row: grant the package's credits.
    case missedGrant = "MISSED_GRANT"
    /// Successful cancellations not yet deducted: insert a REFUND row.
    case missedRefund = "MISSED_REFUND"
}
