import Foundation
import HTTP
import PortOne
import Postgres
import ReconcilerCore
import ReconcilerEngine
import Reports

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
        do {
            let result = try await engine.run(request)
            Console.output(RunSummaryText.render(result, dryRun: request.dryRun))
            return .success
        } catch {
            Console.error("credit-reconciler: \(error)")
            return exitStatus(for: error)
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

    static func makeEngine(_ settings: RuntimeSettings, environment: [String: String] = [:]) throws(SetupError)
        -> ReconciliationEngine
    {
        let logger = RunLogger.make(settings, environment: environment)
        let databaseURL: DatabaseURL
        do {
            databaseURL = try DatabaseURL(parsing: settings.databaseURL)
        } catch {
            throw SetupError(status: .configuration, message: "\(error)")
        }
        let client: PortOneClient
        do {
            client = try PortOneClient(
                configuration: PortOneConfiguration(
                    baseURL: settings.apiBaseURL, secret: PortOneSecret(settings.apiSecret), storeId: settings.storeId),
                log: { logger.log(.warning, $0) })
        } catch {
            throw SetupError(status: .configuration, message: error.description)
        }
        var engineSettings = ReconciliationEngine.Settings(
            configuration: settings.configuration, storeId: settings.storeId, databaseURL: databaseURL)
        engineSettings.reportDirectory = settings.configuration.reports.directory
        engineSettings.reportFormats = settings.configuration.reports.formats
        return ReconciliationEngine(
            settings: engineSettings, client: client, log: { logger.log(.info, $0) }, logger: logger)
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
