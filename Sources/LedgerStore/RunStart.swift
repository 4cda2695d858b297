import Foundation
import ReconcilerCore

/// What a run records about itself when it begins (`reconciler.run`).
public struct RunStart: Sendable, Hashable {
    /// What started it.
    public var trigger: RunTrigger
    /// Apply or dry run.
    public var mode: RunMode
    /// `run --full`.
    public var fullSweep: Bool
    /// `--payment-id` selection, nil for a window run.
    public var paymentIds: [String]?
    /// Window start (inclusive).
    public var windowFrom: Date?
    /// Window end (exclusive).
    public var windowUntil: Date?
    /// The host the run executes on.
    public var host: String
    /// The process id of the run.
    public var pid: Int32
    /// The credit-reconciler version.
    public var version: String

    /// Creates a run description; host and pid default to this process.
    public init(
        trigger: RunTrigger, mode: RunMode, fullSweep: Bool = false, paymentIds: [String]? = nil,
        windowFrom: Date?, windowUntil: Date?,
        host: String = ProcessInfo.processInfo.hostName,
        pid: Int32 = ProcessInfo.processInfo.processIdentifier, version: String
    ) {
        self.trigger = trigger
        self.mode = mode
        self.fullSweep = fullSweep
        self.paymentIds = paymentIds
        self.windowFrom = windowFrom
        self.windowUntil = windowUntil
        self.host = host
        self.pid = pid
        self.version = version
    }
}
