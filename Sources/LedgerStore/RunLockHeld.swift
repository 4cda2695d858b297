import Foundation
import Postgres
import ReconcilerCore
import WireFormat

/// Another run holds the run lock (ARCHITECTURE §5.5): the CLI exits 75 with this message.
public struct RunLockHeld: Error, Sendable, Equatable, CustomStringConvertible {
    /// The session holding the lock, nil when it ended between our attempt and the lookup.
    public var holder: AdvisoryLockHolder?
    /// The `running` row of the run holding it, if it has inserted one yet.
    public var runningRun: RunRecord?

    /// Creates the error.
    public init(holder: AdvisoryLockHolder?, runningRun: RunRecord?) {
        self.holder = holder
        self.runningRun = runningRun
    }

    /// Names the holder and says what to do.
    public var description: String {
        var text = "another credit-reconciler run holds the run lock"
        if let runningRun {
            text +=
                ": run \(runningRun.id) (\(runningRun.trigger.rawValue), \(runningRun.mode.rawValue)) started at "
                + "\(RFC3339.Timestamp(runningRun.startedAt)) on host \(runningRun.host), pid \(runningRun.pid)"
        }
        if let holder {
            text += runningRun == nil ? ": " : "; lock held by "
            text += holder.description
        } else {
            text += " (its session ended just now: try again)"
        }
        text += ". Only one run may work at a time: wait for it to finish (credit-reconciler status)"
        if let holder {
            text +=
                ", or if that process is gone for good but its session lingers, end the session with "
                + "SELECT pg_terminate_backend(\(holder.pid))"
        }
        return text + "."
    }
}
