/// What `LedgerReader.paymentIds(createdFrom:until:pageSize:_:)` went through.
public struct LedgerWindowScan: Sendable, Hashable {
    /// PURCHASE and REFUND rows with a `paymentId` written in the window.
    public var rows: Int
    /// Distinct payment ids among them that were not excluded (each handed to the caller once).
    public var paymentIds: Int
    /// Keyset pages read.
    public var pages: Int

    /// Creates a summary.
    public init(rows: Int, paymentIds: Int, pages: Int) {
        self.rows = rows
        self.paymentIds = paymentIds
        self.pages = pages
    }
}
