import Foundation

/// A named progress marker (`reconciler.checkpoint`), e.g. `scan`: the end of the last
/// successful apply-mode window.
public struct Checkpoint: Sendable, Hashable {
    /// The marker's name.
    public var name: String
    /// Where it stands.
    public var value: Date
    /// The run that moved it last.
    public var runId: Int64?
    /// When it was moved last.
    public var updatedAt: Date

    /// Creates a checkpoint value.
    public init(name: String, value: Date, runId: Int64?, updatedAt: Date) {
        self.name = name
        self.value = value
        self.runId = runId
        self.updatedAt = updatedAt
    }
}
