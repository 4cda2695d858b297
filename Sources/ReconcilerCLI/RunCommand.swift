import Foundation
import ReconcilerCore
import ReconcilerEngine
import WireFormat

#if canImport(Glibc)
    import Glibc
#endif

/// `credit-reconciler run`: one reconciliation, with its summary on standard output.
enum RunCommand {
    static func run(_ options: RunOptions, environment: [String: String]) async -> ExitStatus {
        let settings: RuntimeSettings
        do {
            settings = try RuntimeSettings.load(environment: environment)
        } catch {
            Console.error("credit-reconciler: \(error)")
            return .configuration
        }
        let engine: ReconciliationEngine
        let request: RunRequest
        do {
            engine = try makeEngine(settings, environment: environment)
            request = try makeRequest(options, timeZone: settings.configuration.schedule.timeZone)
        } catch {
            Console.error("credit-reconciler: \(error.message)")
            return error.status
        }
        // SIGTERM (systemd stopping the unit) or Ctrl-C: finish the repair in progress, record
        // the run aborted, exit 0. A PortOne request still retrying after the grace period is
        // cancelled. A second signal stops at once; the next run marks the run abandoned.
        let progress = ProgressDisplay()
        let control = RunControl(onProgress: { progress.update($0) })
        let task = Task { await perform(engine: engine, request: request, control: control) }
        let signals = SignalWatcher([SIGTERM, SIGINT]) { number in
            if control.isStopRequested {
                Console.error(
                    "credit-reconciler: \(SignalWatcher.name(number)) again: stopping now; the run stays 'running' until the next run marks it abandoned"
                )
                exit(ExitStatus.failure.rawValue)
            }
            Console.error(
                "credit-reconciler: \(SignalWatcher.name(number)): stopping after the repair in progress (send it again to stop at once)"
            )
            control.requestStop()
            DispatchQueue.global().asyncAfter(deadline: .now() + stopGracePeriod) { task.cancel() }
        }
        defer { signals.cancel() }
        let (status, message) = await task.value
        progress.finish()
        if status == .success {
            Console.output(message)
        } else {
            Console.error("credit-reconciler: \(message)")
        }
        return status
    }

    /// How long a stop request waits for PortOne before cancelling the request in flight.
    static let stopGracePeriod: TimeInterval = 5

    /// Runs `request` and returns the exit status with the summary (on success or abort) or
    /// the error message.
    static func perform(
        engine: ReconciliationEngine, request: RunRequest, control: RunControl
    ) async -> (ExitStatus, String) {
        do {
            let result = try await engine.run(request, control: control)
            return (.success, RunSummaryText.render(result, dryRun: request.dryRun))
        } catch {
            return (exitStatus(for: error), error.description)
        }
    }

    /// The exit status of each way a run can fail.
    static func exitStatus(for failure: RunFailure) -> ExitStatus {
        switch failure {
        case .lockHeld: .lockHeld
        case .unavailable: .unavailable
        case .configuration: .configuration
        case .fixLimitExceeded, .failed: .failure
        }
    }

    struct SetupError: Error {
        var status: ExitStatus
        var message: String
    }

    static func makeEngine(_ settings: RuntimeSettings, environment: [String: String]) throws(SetupError)
        -> ReconciliationEngine
    {
        let logger = RunLogger.make(settings, environment: environment)
        do {
            var engineSettings = try ReconciliationEngine.Settings(
                configuration: settings.configuration, storeId: settings.storeId, databaseURL: settings.databaseURL)
            engineSettings.reportDirectory = settings.configuration.reports.directory
            engineSettings.reportFormats = settings.configuration.reports.formats
            if let smtpURL = settings.smtpURL {
                try engineSettings.mailReports(through: smtpURL, caFile: settings.smtpCAFile)
            }
            return try ReconciliationEngine(
                settings: engineSettings, apiBaseURL: settings.apiBaseURL, apiSecret: settings.apiSecret,
                logger: logger)
        } catch {
            throw SetupError(status: exitStatus(for: error), message: error.description)
        }
    }

    static func makeRequest(_ options: RunOptions, timeZone: String) throws(SetupError) -> RunRequest {
        RunRequest(
            trigger: options.trigger, dryRun: options.dryRun, since: try instant(options.since, timeZone: timeZone),
            until: try instant(options.until, timeZone: timeZone), paymentIds: options.paymentIds, full: options.full,
            maxFixesOverride: options.maxFixes)
    }

    /// An instant from the command line: RFC 3339 as given, a plain date at midnight in `timeZone`.
    static func instant(_ argument: TimeArgument?, timeZone: String) throws(SetupError) -> RFC3339.Timestamp? {
        switch argument {
        case nil:
            return nil
        case .instant(let text):
            guard let timestamp = RFC3339.timestamp(text) else {
                throw SetupError(status: .usage, message: "'\(text)' is not an RFC 3339 time")
            }
            return timestamp
        case .date(let year, let month, let day):
            guard let zone = TimeZone(identifier: timeZone) else {
                throw SetupError(status: .configuration, message: "schedule.timeZone '\(timeZone)' is unknown")
            }
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = zone
            guard let date = calendar.date(from: DateComponents(year: year, month: month, day: day)) else {
                throw SetupError(status: .usage, message: "\(year)-\(month)-\(day) is not a date")
            }
            return RFC3339.Timestamp(date)
        }
    }
}
