import Postgres

/// The advisory lock keys of the reconciler: every process derives the same keys from these names.
public enum LedgerLockKeys {
    /// Held (session level) for a whole run: one run at a time (ARCHITECTURE §5.5); exit 75 names the holder.
    public static let run = AdvisoryLockKey(name: "credit-reconciler.run")
    /// Held (session level) by a tick of the daemon's follow loop, beside `run`: a run that finds
    /// the run lock held by a tick waits for it (seconds) instead of exiting 75 (DESIGN §4.4a).
    public static let followTick = AdvisoryLockKey(name: "credit-reconciler.follow-tick")
    /// Held (session level) while `migrate` applies migrations.
    public static let migrate = AdvisoryLockKey(name: "credit-reconciler.migrate")
}
