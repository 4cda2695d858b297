import Foundation
import TestSupport

/// A built executable running in the background (the daemon), so a test can signal it while
/// it runs; standard error goes to a file the test reads afterwards.
final class BackgroundProduct {
    let process = Process()
    private let exited = DispatchSemaphore(value: 0)
    private let errorFile: URL

    /// Starts `name` with `arguments` and exactly `environment` (plus `PATH`).
    init(_ name: String, _ arguments: [String], environment: [String: String]) throws {
        errorFile = FileManager.default.temporaryDirectory.appendingPathComponent("stderr-\(UUID().uuidString)")
        try Data().write(to: errorFile)
        process.executableURL = ProductProcess.executable(name)
        process.arguments = arguments
        var childEnvironment = environment
        childEnvironment["PATH"] = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        process.environment = childEnvironment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: errorFile)
        process.standardInput = FileHandle.nullDevice
        let exited = self.exited
        process.terminationHandler = { _ in exited.signal() }
        try process.run()
    }

    /// Sends `signal` to the process.
    func send(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// The exit status once it exits, nil if it is still running after `seconds` (a hang guard,
    /// not a speed assertion).
    func waitForExit(seconds: Int) -> Int32? {
        guard exited.wait(timeout: .now() + .seconds(seconds)) == .success else { return nil }
        exited.signal()
        return process.terminationStatus
    }

    /// Everything it wrote to standard error so far.
    var standardError: String {
        (try? String(contentsOf: errorFile, encoding: .utf8)) ?? ""
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            _ = exited.wait(timeout: .now() + 10)
        }
        try? FileManager.default.removeItem(at: errorFile)
    }
}
