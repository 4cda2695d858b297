import Synchronization

/// How the process steers a run in progress: a graceful stop request the run checks between
/// units of work (scan pages, look-up batches, repair transactions), and a progress callback.
///
/// A stop is not a cancellation: the repair transaction in progress commits, then the run is
/// recorded `aborted` and the checkpoint stays where it was. Thread-safe: a signal source may
/// request the stop from any thread.
public final class RunControl: Sendable {
    private let stopRequested = Atomic<Bool>(false)
    /// Receives the run's progress after each page and each repair (on the run's task; keep it cheap).
    public let onProgress: @Sendable (RunProgress) -> Void

    /// Creates a control; `onProgress` receives progress reports.
    public init(onProgress: @escaping @Sendable (RunProgress) -> Void = { _ in }) {
        self.onProgress = onProgress
    }

    /// Asks the run to stop after the unit of work in progress. Idempotent.
    public func requestStop() {
        stopRequested.store(true, ordering: .sequentiallyConsistent)
    }

    /// Whether a stop was requested.
    public var isStopRequested: Bool {
        stopRequested.load(ordering: .sequentiallyConsistent)
    }
}

/// Where a run stands, for a progress display.
public struct RunProgress: Sendable, Hashable {
    /// What the run is doing.
    public enum Phase: String, Sendable, Hashable {
        /// Scanning `GET /payments` page by page.
        case scanning
        /// Looking up ledger payments the scan did not return.
        case lookingUp = "looking up"
        /// Applying repairs (batched transactions).
        case repairing
    }

    /// The current phase.
    public var phase: Phase
    /// Pages of `GET /payments` handled so far.
    public var pagesScanned: Int
    /// Payments decided so far (scan and look-ups).
    public var paymentsScanned: Int
    /// Repairs written so far.
    public var repairsApplied: Int
    /// Payments queued for repair.
    public var repairsQueued: Int

    /// Creates a progress report.
    public init(phase: Phase, pagesScanned: Int, paymentsScanned: Int, repairsApplied: Int, repairsQueued: Int) {
        self.phase = phase
        self.pagesScanned = pagesScanned
        self.paymentsScanned = paymentsScanned
        self.repairsApplied = repairsApplied
        self.repairsQueued = repairsQueued
    }
}
