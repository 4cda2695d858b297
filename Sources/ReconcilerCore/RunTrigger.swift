/// What started a run (`reconciler.run.trigger`).
public enum RunTrigger: String, Sendable, Hashable, CaseIterable {
    /// The systemd timer (nightly oneshot).
    case timer
    /// An operator on the command line.
    case manual
    /// The daemon's own schedule or SIGUSR1.
    case daemon
    /// A tick of the daemon's follow loop (DESIGN §4.4a): the payments with new journal events.
    case follow

    /// What `run --trigger` accepts: a tick is only ever started by the follow loop.
    public static let commandLineChoices: [RunTrigger] = [.timer, .manual, .daemon]
}
