import Foundation
import ReconcilerCore
import ReconcilerEngine
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The `credit-reconciler` command line: parse, then run one command, then exit with the status
/// decided here and nowhere else.
public enum CommandLineTool {
    /// Runs the tool with `arguments` (without the program name) and returns the exit status.
    ///
    /// Call it from a synchronous `main` before anything starts a thread: `run` and `daemon`
    /// block the signals they handle here, first, so every thread started later inherits the
    /// mask and the signals reach only the Dispatch sources that read them. It first limits the
    /// heap's arenas (`ProcessMemory`, before any thread starts) and forbids core dumps
    /// (`CoreDumpGuard`, before anything reads a secret).
    public static func main(_ arguments: [String]) -> Int32 {
        ProcessMemory.limitArenas()
        CoreDumpGuard.engage()
        let command: Command
        do {
            command = try CommandLineParser.parse(arguments)
        } catch {
            Console.error("credit-reconciler: \(error.description)")
            return ExitStatus.usage.rawValue
        }
        switch command {
        case .run, .applyPlan: SignalWatcher.block([SIGTERM, SIGINT])
        case .daemon: SignalWatcher.block(DaemonCommand.signals)
        case .console: SignalWatcher.block(ConsoleCommand.signals)
        default: break
        }
        let environment = ProcessInfo.processInfo.environment
        let status = Mutex(ExitStatus.failure)
        let done = DispatchSemaphore(value: 0)
        Task {
            let result = await run(command, environment: environment)
            status.withLock { $0 = result }
            done.signal()
        }
        done.wait()
        return status.withLock { $0 }.rawValue
    }

    static func run(_ command: Command, environment: [String: String]) async -> ExitStatus {
        switch command {
        case .help(nil):
            Console.output(HelpText.tool)
            return .success
        case .help(let subcommand?):
            Console.output(HelpText.text(for: subcommand))
            return .success
        case .version:
            Console.output("\(ProductVersion.name) \(ProductVersion.version)")
            return .success
        case .migrate:
            return MigrateCommand.run(environment: environment)
        case .run(let options):
            return await RunCommand.run(options, environment: environment)
        case .report(let options):
            return ReportCommand.run(options, environment: environment)
        case .status:
            return StatusCommand.run(environment: environment)
        case .listDiscrepancies(let options):
            return DiscrepanciesCommand.list(options, environment: environment)
        case .resolveDiscrepancy(let options):
            return DiscrepanciesCommand.resolve(options, environment: environment)
        case .listPlans:
            return PlanCommand.list(environment: environment)
        case .showPlan(let options):
            return PlanCommand.show(options, environment: environment)
        case .approvePlan(let options):
            return PlanCommand.approve(options, environment: environment)
        case .applyPlan(let id):
            return await PlanCommand.apply(id: id, environment: environment)
        case .daemon:
            return await DaemonCommand.run(environment: environment)
        case .checkConfig:
            return await CheckConfigCommand.run(environment: environment)
        case .demo:
            return DemoCommand.run(environment: environment)
        case .console(let options):
            return ConsoleCommand.run(options, environment: environment)
        }
    }
}

/// Writes whole lines to standard output and standard error.
enum Console {
    static func output(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    static func error(_ text: String) {
        ProgressDisplay.clearActive()
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// Writes a rendered document to the file `output` (atomically), or as it is to standard
    /// output when there is none. False, with the error said, when the file cannot be written.
    static func document(_ text: String, to output: String?) -> Bool {
        guard let output else {
            FileHandle.standardOutput.write(Data(text.utf8))
            return true
        }
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
            return true
        } catch {
            Console.error("credit-reconciler: cannot write \(output): check the folder exists and is writable")
            return false
        }
    }
}
