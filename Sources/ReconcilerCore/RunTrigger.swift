/// What started a run (`reconciler.run.trigger`).
public enum RunTrigger: String, Sendable, Hashable, CaseIterable {
    /// The systemd timer (nightly oneshot).
    case timer
    /// An operator on the command line.
    case manual
    /// The daemon's own schedule or SIGUSR1.
    case daemon
}
