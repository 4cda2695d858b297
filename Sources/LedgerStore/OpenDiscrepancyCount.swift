/// How many discrepancies of a kind and severity are open (metrics, `status`).
public struct OpenDiscrepancyCount: Sendable, Hashable {
    /// The kind.
    public var kind: String
    /// The severity.
    public var severity: String
    /// How many are open.
    public var count: Int

    /// Creates a count.
    public init(kind: String, severity: String, count: Int) {
        self.kind = kind
        self.severity = severity
        self.count = count
    }
}
