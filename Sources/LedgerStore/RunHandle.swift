import Foundation

/// A run that `RunRecorder.begin` started: its id, and what it found on the way in.
public struct RunHandle: Sendable, Hashable {
    /// `reconciler.run.id`.
    public var runId: Int64
    /// When the row was inserted (server time).
    public var startedAt: Date
    /// Runs left `running` by a process that died, marked `abandoned` by this begin.
    public var abandonedRunIds: [Int64]

    /// Creates a handle.
    public init(runId: Int64, startedAt: Date, abandonedRunIds: [Int64]) {
        self.runId = runId
        self.startedAt = startedAt
        self.abandonedRunIds = abandonedRunIds
    }
}
