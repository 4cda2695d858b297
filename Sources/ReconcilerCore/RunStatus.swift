/// The state of a run (`reconciler.run.status`).
public enum RunStatus: String, Sendable, Hashable, CaseIterable {
    /// In progress (at most one row at a time).
    case running
    /// Finished its window.
    case succeeded
    /// Stopped on an error.
    case failed
    /// Stopped on request (SIGTERM) after finishing the repair in progress.
    case aborted
    /// The process holding it ended without finishing; a later run marked it.
    case abandoned
}
