/// What `DiscrepancyStore.record` did with one finding.
public struct RecordedDiscrepancy: Sendable, Hashable {
    /// The discrepancy's id.
    public var id: Int64
    /// Its kind.
    public var kind: String
    /// Its subject (`payment:<id>`, `user:<id>` or `run`).
    public var subject: String
    /// True when this run opened it; false when it was already open (recurring).
    public var isNew: Bool
    /// In how many runs it has been seen, this one included.
    public var occurrences: Int
    /// The run that saw it first.
    public var firstSeenRunId: Int64

    /// Creates a value.
    public init(id: Int64, kind: String, subject: String, isNew: Bool, occurrences: Int, firstSeenRunId: Int64) {
        self.id = id
        self.kind = kind
        self.subject = subject
        self.isNew = isNew
        self.occurrences = occurrences
        self.firstSeenRunId = firstSeenRunId
    }
}
