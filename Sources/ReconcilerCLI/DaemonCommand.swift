import Foundation
import ReconcilerCore
import ReconcilerEngine

#if canImport(Glibc)
    import Glibc
#endif

/// `credit-reconciler daemon`: runs reconciliations on the configured schedule under systemd
/// `Type=notify`, and between them follows PortOne's journal (DESIGN §4.4a): a tick every
/// `follow.interval` decides the payments with new events, so a lost webhook costs the
/// customer seconds, not a night. Ticks and runs never overlap: a run that comes due waits for
/// the tick in progress, and no tick starts while a run is in progress.
///
/// Everything happens in one loop over events (signals, a one-second tick, a run finishing),
/// so the state below is only ever touched by that loop; runs execute in their own task.
/// SIGUSR1 runs at once; SIGHUP reloads the configuration (a bad one is rejected and the old one
/// kept); SIGTERM/SIGINT stop: a run in progress finishes its repair in progress and is recorded
/// `aborted`, then the daemon exits 0.
enum DaemonCommand {
    /// The signals the daemon handles (blocked before any thread starts).
    static let signals: [Int32] = [SIGTERM, SIGINT, SIGHUP, SIGUSR1]
    /// How long after a run found the lock held (75) the daemon tries again.
    static let lockRetryDelay: TimeInterval = 60

    /// What the daemon's loop reacts to.
    enum Event: Sendable {
        /// A signal arrived (read from a Dispatch source, not in a signal handler).
        case signal(Int32)
        /// The one-second tick: time to check the schedule and the watchdog.
        case tick
        /// The run in progress ended with this status and summary or error.
        case runFinished(ExitStatus, String)
        /// The follow loop's tick in progress ended.
        case tickFinished(FollowTickResult)
        /// The stop grace period is over: cancel a PortOne wait still in progress.
        case stopGraceExpired
    }

    /// Runs the daemon until SIGTERM/SIGINT (0) or a bad start (78).
    static func run(environment: [String: String]) async -> ExitStatus {
        let notifier = SystemdNotifier(environment: environment)
        let (events, sink) = AsyncStream.makeStream(of: Event.self)
        let watcher = SignalWatcher(signals) { sink.yield(.signal($0)) }
        defer { watcher.cancel() }

        var settings: RuntimeSettings
        do {
            settings = try loadChecked(environment: environment)
        } catch {
            log("\(error.message); not starting")
            return error.status
        }
        if let status = startupDatabaseCheck(settings) { return status }

        var follower = DaemonFollower(settings: settings, environment: environment)
        var schedule = DaemonSchedule(schedule: settings.configuration.schedule)
        var nextRun = schedule.nextRun(after: Date())
        var retryAt: Date?
        var running: (control: RunControl, task: Task<Void, Never>)?
        var stopping = false
        var lastResult = "no run yet"
        let clock = ContinuousClock()
        var lastWatchdog = clock.now
        let tick = min(Duration.seconds(1), notifier.watchdogInterval ?? .seconds(1))
        let ticker = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: tick)
                sink.yield(.tick)
            }
        }
        defer { ticker.cancel() }

        var runRequested = false
        func statusLine() -> String {
            let state = running != nil ? "reconciling" : follower.isTicking ? "following" : "idle"
            return
                "\(state); next run \(format(nextRun, zone: schedule.schedule.timeZone)) (\(schedule.description)); last: \(lastResult); \(follower.statusText)"
        }
        func startRun(_ reason: String) {
            let engine: ReconciliationEngine
            do {
                engine = try RunCommand.makeEngine(settings, environment: environment)
            } catch {
                lastResult = "not started: \(error.message)"
                log("run not started: \(error.message)")
                return
            }
            let progress = ProgressDisplay(interval: .seconds(1)) { line in
                notifier.send("STATUS=reconciling: \(line)")
            }
            let control = RunControl(onProgress: { progress.update($0) })
            log("starting a run (\(reason))")
            let task = Task {
                let (status, message) = await RunCommand.perform(
                    engine: engine, request: RunRequest(trigger: .daemon), control: control)
                sink.yield(.runFinished(status, message))
            }
            running = (control, task)
            notifier.send("STATUS=" + statusLine())
        }

        notifier.send("READY=1\nSTATUS=" + statusLine())
        log(
            "ready: \(schedule.description), next run \(format(nextRun, zone: schedule.schedule.timeZone)); \(follower.settingsDescription)"
        )

        for await event in events {
            switch event {
            case .tick:
                if let interval = notifier.watchdogInterval, clock.now - lastWatchdog >= interval {
                    notifier.send("WATCHDOG=1")
                    lastWatchdog = clock.now
                }
                guard running == nil, !stopping else { continue }
                let now = Date()
                // A run that comes due while a tick works waits for it (seconds).
                if !follower.isTicking {
                    if runRequested {
                        runRequested = false
                        startRun("SIGUSR1")
                    } else if now >= nextRun {
                        nextRun = schedule.nextRun(after: now)
                        retryAt = nil
                        startRun("scheduled")
                    } else if let retry = retryAt, now >= retry {
                        retryAt = nil
                        startRun("retry after the lock was held")
                    }
                }
                if running == nil, follower.isDue {
                    follower.start { sink.yield(.tickFinished($0)) }
                }
            case .tickFinished(let result):
                follower.finished(result)
                if stopping {
                    log("stopped")
                    return .success
                }
                notifier.send("STATUS=" + statusLine())
            case .signal(SIGUSR1):
                if stopping { continue }
                if running != nil {
                    log("SIGUSR1: a run is already in progress; not starting another")
                } else if follower.isTicking {
                    log("SIGUSR1: a run starts when the follow loop's tick in progress ends")
                    runRequested = true
                } else {
                    startRun("SIGUSR1")
                }
            case .signal(SIGHUP):
                notifier.send("RELOADING=1\nMONOTONIC_USEC=\(monotonicMicroseconds())")
                do {
                    settings = try loadChecked(environment: environment)
                    schedule = DaemonSchedule(schedule: settings.configuration.schedule)
                    nextRun = schedule.nextRun(after: Date())
                    follower.reload(settings: settings)
                    log(
                        "SIGHUP: configuration reloaded from \(settings.configurationPath): \(schedule.description), next run \(format(nextRun, zone: schedule.schedule.timeZone)); \(follower.settingsDescription)"
                    )
                } catch {
                    log("SIGHUP: the new configuration is rejected, keeping the previous one: \(error.message)")
                }
                notifier.send("READY=1\nSTATUS=" + statusLine())
            case .signal(let number):  // SIGTERM, SIGINT
                if stopping {
                    log("\(SignalWatcher.name(number)) again: already stopping after the repair in progress")
                    continue
                }
                stopping = true
                notifier.send("STOPPING=1")
                if follower.isTicking {
                    log("\(SignalWatcher.name(number)): stopping after the follow loop's tick in progress")
                    follower.requestStop()
                    Task {
                        try? await Task.sleep(for: .seconds(RunCommand.stopGracePeriod))
                        sink.yield(.stopGraceExpired)
                    }
                    continue
                }
                guard let control = running?.control else {
                    log("\(SignalWatcher.name(number)): stopping (no run in progress)")
                    return .success
                }
                log(
                    "\(SignalWatcher.name(number)): stopping after the repair in progress; the run is recorded as aborted"
                )
                control.requestStop()
                notifier.send("STATUS=stopping: finishing the repair in progress")
                Task {
                    try? await Task.sleep(for: .seconds(RunCommand.stopGracePeriod))
                    sink.yield(.stopGraceExpired)
                }
            case .stopGraceExpired:
                // A PortOne request still retrying: cancel it (never a repair transaction).
                running?.task.cancel()
                follower.cancel()
            case .runFinished(let status, let message):
                running = nil
                let first = message.split(separator: "\n").first.map(String.init) ?? message
                switch status {
                case .success:
                    lastResult = first
                    log(message.replacingOccurrences(of: "\n", with: "\n    "))
                case .lockHeld:
                    lastResult = "lock held by another run; retrying"
                    retryAt = Date().addingTimeInterval(lockRetryDelay)
                    log(
                        "run not started, another run holds the lock (exit 75): \(first); retrying in \(Int(lockRetryDelay)) s"
                    )
                default:
                    lastResult = "failed (exit \(status.rawValue)): \(first)"
                    log("run failed (exit \(status.rawValue)): \(message); the schedule goes on")
                }
                if stopping {
                    log("stopped")
                    return .success
                }
                notifier.send("STATUS=" + statusLine())
            }
        }
        return .success
    }

    /// The settings, with everything a run builds from them checked (78 when not usable).
    static func loadChecked(environment: [String: String]) throws(RunCommand.SetupError) -> RuntimeSettings {
        let settings: RuntimeSettings
        do {
            settings = try RuntimeSettings.load(environment: environment)
        } catch {
            throw RunCommand.SetupError(status: .configuration, message: error.description)
        }
        _ = try RunCommand.makeEngine(settings, environment: environment)
        return settings
    }

    /// Refuses to start (78) when the database says the configuration is wrong (credentials,
    /// missing database, pending migrations). An unreachable database is only logged: it may
    /// come back before the next run.
    static func startupDatabaseCheck(_ settings: RuntimeSettings) -> ExitStatus? {
        do {
            let database = try ReconcilerDatabase.open(
                databaseURL: settings.databaseURL, applicationName: "credit-reconciler daemon",
                connectTimeout: .seconds(5))
            defer { database.close() }
            let migrations = try database.migrationStatus()
            if !migrations.pending.isEmpty {
                log(
                    "\(migrations.pending.count) database migration(s) pending: run credit-reconciler migrate (as the owner of the app's tables), then start the daemon again"
                )
                return .configuration
            }
            return nil
        } catch {
            switch error {
            case .configuration:
                log("\(error); not starting")
                return .configuration
            case .unavailable, .failed:
                log("PostgreSQL is not usable at start-up (\(error)); runs will fail until it is, the schedule goes on")
                return nil
            }
        }
    }

    /// One log line on standard error.
    static func log(_ line: String) {
        Console.error("credit-reconciler daemon: \(line)")
    }

    /// `CLOCK_MONOTONIC` in microseconds, for `RELOADING=1`.
    static func monotonicMicroseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1000
    }

    /// `2026-11-27T03:00:00+09:00`: the instant in the schedule's time zone.
    static func format(_ date: Date, zone: String) -> String {
        var style = Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: zone) ?? .gmt)
        style = style.year().month().day().time(includingFractionalSeconds: false).timeZone(separator: .colon)
        return date.formatted(style)
    }
}
