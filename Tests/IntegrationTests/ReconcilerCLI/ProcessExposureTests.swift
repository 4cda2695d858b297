import Foundation
import Postgres
import ReconcilerCore
import TestSupport
import Testing
import WireFormat

#if canImport(Glibc)
    import Glibc
#endif

/// What a running `credit-reconciler run` exposes of its secrets to the rest of the machine:
/// its command line (what `ps` shows) and, if it crashed, a core file. The secrets reach it
/// through the environment only, and it forbids core dumps (`CoreDumpGuard`) before reading them.
@Suite(.serialized) struct ProcessExposureTests {
    /// The user the product runs as when the tests run as root (`nobody`): a process's `/proc`
    /// entries belong to root when it is not dumpable, which only shows for another user.
    static let unprivileged: UInt32 = 65534

    @Test func theCommandLineHoldsNoSecret() async throws {
        try await Self.withRunningProduct { run in
            let commandLine = try Self.commandLine(of: run.process.processIdentifier)
            #expect(commandLine.first?.hasSuffix("credit-reconciler") == true, "\(commandLine)")
            #expect(commandLine.dropFirst().first == "run", "\(commandLine)")
            let shown = commandLine.joined(separator: " ")
            #expect(!shown.contains(run.secret), "the PortOne secret is on the command line")
            #expect(!shown.contains(run.databasePassword), "the database password is on the command line")
            #expect(!shown.contains("PORTONE_API_SECRET") && !shown.contains("DATABASE_URL"), "\(shown)")
        }
    }

    @Test func aCrashingRunLeavesNoCoreAndItsMemoryIsOffLimits() async throws {
        let pattern =
            (try? String(contentsOfFile: "/proc/sys/kernel/core_pattern", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? "core"
        try await Self.withRunningProduct { run in
            let pid = run.process.processIdentifier
            let limits = try String(contentsOfFile: "/proc/\(pid)/limits", encoding: .utf8)
            let core = limits.split(separator: "\n").first { $0.hasPrefix("Max core file size") }
                .map { $0.split(separator: " ", omittingEmptySubsequences: true).dropFirst(4).prefix(2) }
            #expect(core.map(Array.init) == ["0", "0"], "soft and hard core limits must be 0:\n\(limits)")
            // Not dumpable: the kernel hands the process's /proc entries to root, so no other
            // process of its user may read its memory or environment.
            #expect(try Self.owner(of: "/proc/\(pid)/environ") == 0, "the process must be marked not dumpable")

            // The same launcher (core limit raised first, same user, same folder) with a plain
            // program: it shows what a crash leaves here without the guard.
            let control = try Self.launch(["/bin/sleep", "600"], environment: [:], in: run.folder)
            defer {
                if control.isRunning {
                    _ = kill(control.processIdentifier, SIGKILL)
                    control.waitUntilExit()
                }
            }
            try await Poll.until("the control process runs sleep") {
                (try? Self.commandLine(of: control.processIdentifier).first) == "/bin/sleep"
            }
            #expect(
                try Self.owner(of: "/proc/\(control.processIdentifier)/environ") == run.user,
                "a dumpable process's /proc entries belong to its user")
            let plainFileName = !pattern.hasPrefix("|") && !pattern.hasPrefix("/")
            try await Self.crash(run.process)
            #expect(run.process.terminationReason == .uncaughtSignal)
            #expect(run.process.terminationStatus == SIGSEGV)
            #expect(try Self.coreFiles(in: run.folder).isEmpty, "the crashed run must leave no core")
            try await Self.crash(control)
            if plainFileName {
                #expect(
                    try !Self.coreFiles(in: run.folder).isEmpty,
                    "the control must leave a core here (core_pattern '\(pattern)'), or the check above proves nothing")
            } else {
                // Cores go to a handler or a fixed folder: the process's folder shows nothing.
                print("core_pattern is '\(pattern)': core files are not checked here; limits and dumpable are")
            }
        }
    }

    // MARK: Running the product

    /// A `credit-reconciler run` in the middle of its scan.
    struct RunningRun {
        let process: Process
        let folder: URL
        let secret: String
        let databasePassword: String
        let user: UInt32
    }

    /// Starts `credit-reconciler run` (as `nobody` when the tests run as root, with its core
    /// limit raised to the hard limit first, in an empty folder of its own, the Swift crash
    /// backtracer off so a signal takes its default action), waits until its run is recorded
    /// `running` (the simulator answers each page after 5 s), hands it to `body`, and kills
    /// it if `body` left it running.
    static func withRunningProduct(_ body: (RunningRun) async throws -> Void) async throws {
        let end = RFC3339.Timestamp(Date().addingTimeInterval(-3600))
        let world = try await ChaosWorld.generate(payments: 300, seed: 81, end: end)
        defer { world.close() }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("exposure-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let config = folder.appendingPathComponent("config.json")
        try Data(RunCommandTests.configuration.utf8).write(to: config)
        let user = geteuid() == 0 ? unprivileged : geteuid()
        if geteuid() == 0 {
            for path in [folder.path, config.path] { _ = chown(path, unprivileged, unprivileged) }
        }
        try await TestDatabase.withFresh(schema: .app) { database in
            try world.load(into: database)
            var environment = RunCommandTests.environment(world.simulator, database, configFile: config)
            environment["SWIFT_BACKTRACE"] = "enable=no"
            let conninfo = database.url.conninfoIncludingPassword
            let password = try #require(
                conninfo.range(of: "password='").map { String(conninfo[$0.upperBound...].prefix { $0 != "'" }) },
                "the test cluster's URL must hold a password")
            // Each request answered after 20 s (the client's timeout is 60 s): the run stays in its
            // scan while the checks run, however loaded the machine (at 5 s, a run whose repairs
            // re-fetch 192 payments at once could finish first under CI's load).
            try await world.simulator.setFaults(["latencyMs": 20000])
            let process = try launch(
                [try executable(runnableIn: folder), "run"], environment: environment, in: folder)
            defer {
                if process.isRunning {
                    _ = kill(process.processIdentifier, SIGKILL)
                    process.waitUntilExit()
                }
            }
            let watcher = try database.connect()
            defer { watcher.close() }
            try await Poll.until("the run is recorded running") {
                guard process.isRunning else { return true }
                return try RunCrashTests.runningRuns(watcher) == 1
            }
            try #require(
                process.isRunning,
                "the product exited early: \((try? String(contentsOf: folder.appendingPathComponent("credit-reconciler.stderr"), encoding: .utf8)) ?? "")"
            )
            try await body(
                RunningRun(
                    process: process, folder: folder, secret: world.simulator.secret, databasePassword: password,
                    user: user))
            try await world.simulator.setFaults([:])
        }
    }

    /// The built `credit-reconciler`, or a copy of it in `folder` when the launcher's user cannot
    /// execute it where it was built (a checkout under a private home folder).
    static func executable(runnableIn folder: URL) throws -> String {
        let built = ProductProcess.executable("credit-reconciler").path
        let probe = try launch(["/bin/sh", "-c", #"test -x "$0""#, built], environment: [:], in: folder)
        probe.waitUntilExit()
        guard probe.terminationStatus != 0 else { return built }
        let copy = folder.appendingPathComponent("credit-reconciler")
        try FileManager.default.copyItem(atPath: built, toPath: copy.path)
        _ = chmod(copy.path, 0o755)
        return copy.path
    }

    /// Starts `command` through `/bin/sh` with the core size limit raised to the hard limit, as
    /// `nobody` when the tests run as root, in `folder`, its output in `folder`/stdout and stderr.
    static func launch(_ command: [String], environment: [String: String], in folder: URL) throws -> Process {
        let process = Process()
        let shell = ["/bin/sh", "-c", #"ulimit -c "$(ulimit -H -c)" 2>/dev/null; exec "$0" "$@""#] + command
        if geteuid() == 0 {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
            process.arguments =
                ["--reuid=\(unprivileged)", "--regid=\(unprivileged)", "--clear-groups", "--"] + shell
        } else {
            process.executableURL = URL(fileURLWithPath: shell[0])
            process.arguments = Array(shell.dropFirst())
        }
        var childEnvironment = environment
        childEnvironment["PATH"] = "/usr/bin:/bin"
        process.environment = childEnvironment
        process.currentDirectoryURL = folder
        let name = command[0].split(separator: "/").last.map(String.init) ?? "child"
        let out = folder.appendingPathComponent("\(name).stdout")
        let err = folder.appendingPathComponent("\(name).stderr")
        try Data().write(to: out)
        try Data().write(to: err)
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Sends SIGSEGV (a crash's signal; SIGABRT and SIGQUIT may be blocked in a child of the
    /// test process, which inherits its thread's signal mask) and waits for the process to end.
    static func crash(_ process: Process) async throws {
        _ = kill(process.processIdentifier, SIGSEGV)
        try await Poll.until("process \(process.processIdentifier) ends on SIGSEGV", timeout: .seconds(30)) {
            !process.isRunning
        }
        process.waitUntilExit()
    }

    /// `/proc/<pid>/cmdline`: the arguments `ps` shows, as the process has them.
    static func commandLine(of pid: Int32) throws -> [String] {
        let data = try Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline"))
        return data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The owner of `path` (for `/proc/<pid>/…`: root when the process is not dumpable).
    static func owner(of path: String) throws -> UInt32 {
        var info = stat()
        guard stat(path, &info) == 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        return info.st_uid
    }

    /// Names of the core files in `folder`.
    static func coreFiles(in folder: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).filter {
            $0 == "core" || $0.hasPrefix("core.")
        }
        .sorted()
    }
}
