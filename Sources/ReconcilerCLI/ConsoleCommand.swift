import FinanceConsole
import Foundation
import ReconcilerCore

/// `credit-reconciler console [--listen ADDR]`: the finance console (DESIGN §10) until SIGTERM.
///
/// It needs `DATABASE_URL` and the configuration file, not the PortOne secret nor `SMTP_URL`:
/// the console reads and settles what the runs recorded, and talks to nothing else.
enum ConsoleCommand {
    /// The signals that stop the console, blocked before any thread starts.
    static let signals = [SIGTERM, SIGINT]

    static func run(_ options: ConsoleOptions, environment: [String: String]) -> ExitStatus {
        let resolver = SettingResolver(environment: environment) { path in
            try String(contentsOfFile: path, encoding: .utf8)
        }
        let databaseURL: String
        do {
            databaseURL = try resolver.required(
                "DATABASE_URL", purpose: "the web app's PostgreSQL database (a libpq URI or conninfo string)")
        } catch {
            Console.error("credit-reconciler: \(error)")
            return .configuration
        }
        let path =
            environment["RECONCILER_CONFIG"].flatMap { $0.isEmpty ? nil : $0 }
            ?? RuntimeSettings.defaultConfigurationPath
        var settings: ConsoleSettings
        let locale: ConsoleLocale
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            let configuration = try Configuration.parse(data, source: path)
            settings = configuration.console
            // The console speaks the reports' language and shows times where the schedule runs.
            locale = ConsoleLocale(
                locale: configuration.reports.locale, timeZone: configuration.schedule.timeZone)
        } catch let error as ConfigurationError {
            Console.error("credit-reconciler: \(error.problems.map { "\(path): \($0)" }.joined(separator: "; "))")
            return .configuration
        } catch {
            Console.error(
                "credit-reconciler: the configuration file \(path) cannot be read: create it or point RECONCILER_CONFIG at it"
            )
            return .configuration
        }
        if let listen = options.listen { settings.listen = listen }
        if settings.editors.isEmpty && settings.approvers.isEmpty {
            Console.error(
                "credit-reconciler console: console.editors and console.approvers are empty, so everyone can read and no one can change anything"
            )
        }
        // The database must answer now: a console that cannot read it would only show errors.
        switch DatabaseAccess.withDatabase(environment: environment, { _ in .success }) {
        case .success: break
        case let status: return status
        }
        var generator = SystemRandomNumberGenerator()
        let key = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let app = ConsoleApp(
            settings: settings,
            sections: ConsoleSections.standard(data: DatabaseConsoleData(databaseURL: databaseURL), locale: locale),
            key: key, locale: locale)
        let server = ConsoleServer(app: app)
        do {
            try server.start(settings.listen)
        } catch {
            Console.error("credit-reconciler console: \(error)")
            return .unavailable
        }
        let address =
            if case .loopback(let host, _) = settings.listen {
                ConsoleSettings.Listen.loopback(host: host, port: server.port).description
            } else {
                settings.listen.description
            }
        Console.error("credit-reconciler console: listening on \(address); user from \(settings.userHeader)")
        var set = sigset_t()
        sigemptyset(&set)
        for number in signals { sigaddset(&set, number) }
        var received: Int32 = 0
        sigwait(&set, &received)
        server.stop()
        Console.error("credit-reconciler console: stopped on \(SignalWatcher.name(received))")
        return .success
    }
}
