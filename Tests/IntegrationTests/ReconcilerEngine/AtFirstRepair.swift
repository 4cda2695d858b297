import Dispatch
import ReconcilerEngine
import Synchronization

/// A run control that changes the world once, when the run reports its first repair: `change`
/// runs to completion while the run waits (on purpose), so every payment fetched after it sees
/// the change. `repairsBefore` is how many repairs were applied by then.
final class AtFirstRepair: Sendable {
    private let applied = Mutex<Int?>(nil)
    private let change: @Sendable () async -> Void

    init(_ change: @escaping @Sendable () async -> Void) {
        self.change = change
    }

    /// The control to run with.
    var control: RunControl {
        RunControl { [self] progress in
            guard progress.phase == .repairing else { return }
            let first = applied.withLock { value -> Bool in
                guard value == nil else { return false }
                value = progress.repairsApplied
                return true
            }
            guard first else { return }
            let done = DispatchSemaphore(value: 0)
            let change = change
            Task.detached {
                await change()
                done.signal()
            }
            done.wait()
        }
    }

    /// Repairs applied when the change was made; nil when the run made no repair.
    var repairsBefore: Int? { applied.withLock { $0 } }
}
