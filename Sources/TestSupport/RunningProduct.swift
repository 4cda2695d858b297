import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A built executable of the package started as a child process that the test controls while
/// it runs: wait for it, or kill it with SIGKILL the way a crash or the OOM killer would.
///
/// Start one with `ProductProcess.start(_:_:environment:)`. Its output goes to files, so a
/// chatty child never blocks on a full pipe; `waitForExit()` reads them and removes them.
public final class RunningProduct {
    /// The child's process id.
    public let pid: Int32
    private let process: Process
    private let folder: URL
    private let outURL: URL
    private let errURL: URL
    private let out: FileHandle
    private let err: FileHandle
    private var outcome: ProductProcess.Outcome?
    private let secrets: [String: String]

    init(
        process: Process, folder: URL, outURL: URL, errURL: URL, out: FileHandle, err: FileHandle,
        secrets: [String: String]
    ) {
        self.secrets = secrets
        self.process = process
        self.pid = process.processIdentifier
        self.folder = folder
        self.outURL = outURL
        self.errURL = errURL
        self.out = out
        self.err = err
    }

    /// Whether the child has not exited yet.
    public var isRunning: Bool { process.isRunning }

    /// Sends SIGKILL: the child dies at once, wherever it was, without any cleanup of its own.
    public func kill() {
        guard process.isRunning else { return }
        _ = Glibc.kill(pid, SIGKILL)
    }

    /// Waits for the child to exit and returns its status (`-1`… for a signal: see
    /// `wasKilled`) and everything it printed.
    ///
    /// - Throws: ``SecretLeak`` when the output holds a secret the child was given in its
    ///   environment (`PORTONE_API_SECRET`, the `DATABASE_URL` password).
    public func waitForExit() throws -> ProductProcess.Outcome {
        if let outcome { return outcome }
        process.waitUntilExit()
        try? out.close()
        try? err.close()
        defer { try? FileManager.default.removeItem(at: folder) }
        let finished = ProductProcess.Outcome(
            status: process.terminationStatus,
            standardOutput: try String(contentsOf: outURL, encoding: .utf8),
            standardError: try String(contentsOf: errURL, encoding: .utf8))
        for (variable, secret) in secrets.sorted(by: { $0.key < $1.key }) {
            for (stream, text) in [("stdout", finished.standardOutput), ("stderr", finished.standardError)]
            where text.contains(secret) {
                throw SecretLeak(variable: variable, stream: stream, arguments: process.arguments ?? [])
            }
        }
        outcome = finished
        return finished
    }

    /// Whether the child ended by a signal rather than by exiting (valid after `waitForExit()`).
    public var wasKilled: Bool { process.terminationReason == .uncaughtSignal }

    deinit {
        if process.isRunning {
            _ = Glibc.kill(pid, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: folder)
    }
}
