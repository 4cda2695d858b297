/// How a run ends, as `RunRecorder.finish` records it.
public enum RunOutcome: String, Sendable, Hashable, CaseIterable {
    /// Finished its window.
    case succeeded
    /// Stopped on an error.
    case failed
    /// Stopped on request (SIGTERM).
    case aborted

    /// The matching run status.
    public var status: RunStatus { RunStatus(rawValue: rawValue)! }
}
