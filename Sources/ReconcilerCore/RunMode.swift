/// Whether a run repairs (`reconciler.run.mode`).
public enum RunMode: String, Sendable, Hashable, CaseIterable {
    /// Repairs what policy allows and moves the checkpoint.
    case apply
    /// Writes nothing to the app's tables and does not move the checkpoint.
    case dryRun = "dry-run"
}
