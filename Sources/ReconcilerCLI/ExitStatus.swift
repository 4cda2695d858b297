/// The process exit statuses of `credit-reconciler` (sysexits), decided in one place.
public enum ExitStatus: Int32, Sendable, CaseIterable {
    /// The command did what it was asked.
    case success = 0
    /// The run failed (details in the log and the run record).
    case failure = 1
    /// The command line was wrong (EX_USAGE).
    case usage = 64
    /// PortOne or PostgreSQL could not be reached after retries (EX_UNAVAILABLE).
    case unavailable = 69
    /// Another run holds the lock; try again later (EX_TEMPFAIL).
    case lockHeld = 75
    /// The configuration is invalid (EX_CONFIG).
    case configuration = 78
}
