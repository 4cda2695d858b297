import Foundation
import ReconcilerCore
import ReconcilerEngine
import Reports

/// The daemon's follow loop (DESIGN §4.4a): when the next tick is due, the tick in progress,
/// what the last ticks did, and the follow metrics file. Touched only by the daemon's event
/// loop; each tick runs in its own task and reports back through the loop.
struct DaemonFollower {
    private var settings: RuntimeSettings
    private let environment: [String: String]
    /// The engine the ticks use, built once per configuration (its PortOne client keeps its
    /// connections between ticks); nil when it could not be built (logged).
    private var engine: ReconciliationEngine?
    private var memory = FollowMemory()
    private var ticking: (control: RunControl, task: Task<Void, Never>)?
    private var nextTick = ContinuousClock.now
    private var last: FollowTickResult?
    private var lastFeed: EventsFeedStatus = .read
    private var ticksFailed: Int64 = 0
    private var ticksSkipped: Int64 = 0
    private var lastFailure: String?

    init(settings: RuntimeSettings, environment: [String: String]) {
        self.settings = settings
        self.environment = environment
        self.engine = Self.makeEngine(settings, environment: environment)
    }

    private static func makeEngine(_ settings: RuntimeSettings, environment: [String: String])
        -> ReconciliationEngine?
    {
        guard settings.configuration.follow.enabled else { return nil }
        do {
            return try RunCommand.makeEngine(settings, environment: environment)
        } catch {
            DaemonCommand.log("the follow loop cannot start: \(error.message)")
            return nil
        }
    }

    var follow: Configuration.Follow { settings.configuration.follow }

    /// Whether a tick is in progress.
    var isTicking: Bool { ticking != nil }

    /// Whether a tick should start now.
    var isDue: Bool {
        follow.enabled && engine != nil && ticking == nil && ContinuousClock.now >= nextTick
    }

    /// The follow settings, for the start-up and reload log lines.
    var settingsDescription: String {
        guard follow.enabled else { return "not following the journal (follow.enabled is false)" }
        return
            "following PortOne's journal every \(follow.interval) s (grace \(follow.grace) s, at most \(follow.maxFixesPerTick) repairs per tick)"
    }

    /// Applies reloaded settings (SIGHUP): the next tick uses them.
    mutating func reload(settings: RuntimeSettings) {
        self.settings = settings
        engine = Self.makeEngine(settings, environment: environment)
        nextTick = min(nextTick, ContinuousClock.now + .seconds(follow.interval))
    }

    /// Starts a tick; `finished` is called with its result from the tick's task.
    mutating func start(_ finished: @escaping @Sendable (FollowTickResult) -> Void) {
        guard let engine else { return }
        let control = RunControl()
        let memory = self.memory
        let task = Task {
            finished(await engine.followTick(memory: memory, control: control))
        }
        ticking = (control, task)
    }

    /// Asks the tick in progress to stop after its repair in progress.
    func requestStop() {
        ticking?.control.requestStop()
    }

    /// Cancels a PortOne wait of the tick in progress (after the stop grace period).
    func cancel() {
        ticking?.task.cancel()
    }

    /// Takes a finished tick's result: logs what matters, schedules the next tick (at once
    /// when events wait beyond the tick's capacity), and writes the follow metrics.
    mutating func finished(_ result: FollowTickResult) {
        ticking = nil
        memory = result.memory
        last = result
        // More events wait: the next tick starts at once, unless this one did not get through
        // (a failure or a held lock would only repeat at full speed).
        var worked = false
        switch result.outcome {
        case .idle, .decided: worked = true
        case .skipped, .stopped, .failed: worked = false
        }
        nextTick = ContinuousClock.now + (result.backlog && worked ? .zero : .seconds(follow.interval))
        switch result.outcome {
        case .idle:
            lastFailure = nil
        case .decided:
            lastFailure = nil
            if result.fixesApplied > 0 { DaemonCommand.log("follow: \(result.summary)") }
        case .skipped:
            ticksSkipped += 1
        case .stopped:
            break
        case .failed(let failure):
            ticksFailed += 1
            // Once per distinct failure, not every tick.
            if lastFailure != failure.description {
                DaemonCommand.log("follow: tick failed, retrying every \(follow.interval) s: \(failure.description)")
            }
            lastFailure = failure.description
        }
        if result.feed != lastFeed {
            switch result.feed {
            case .read: DaemonCommand.log("follow: PortOne's journal answers again; following it")
            case .unavailable(let reason):
                DaemonCommand.log(
                    "follow: PortOne's journal is unavailable (\(reason)); following the status scan of the last minutes until it answers"
                )
            }
            lastFeed = result.feed
        }
        writeMetrics(result)
    }

    /// The follow part of `STATUS=`.
    var statusText: String {
        guard follow.enabled else { return "follow: off" }
        guard let last else { return "follow: starting" }
        var text = "follow: "
        if case .unavailable = last.feed { text += "journal unavailable (status scan), " }
        if let lag = last.lagSeconds { text += "\(lag) s behind, " }
        text += "\(last.totalEventsRead) events, \(last.totalFixesApplied) repairs"
        if case .failed = last.outcome { text += ", last tick failed" }
        return text
    }

    private func writeMetrics(_ result: FollowTickResult) {
        guard let runsFile = settings.configuration.metricsTextfile else { return }
        let metrics = FollowMetricsFile(
            lagSeconds: result.lagSeconds, eventsFeedAvailable: result.feed == .read,
            lastTick: Int64(Date().timeIntervalSince1970.rounded(.down)), eventsRead: result.totalEventsRead,
            paymentsDecided: result.totalPaymentsDecided, fixesApplied: result.totalFixesApplied,
            ticksFailed: ticksFailed, ticksSkipped: ticksSkipped)
        do {
            try metrics.write(to: FollowMetricsFile.path(besides: runsFile))
        } catch {
            DaemonCommand.log("follow: metrics file not written: \(error.description)")
        }
    }
}
