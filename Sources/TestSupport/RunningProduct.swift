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

    /// The whole text of a `/proc` file (whose size `stat` reports as 0, so it is read to EOF).
    static func readProcFile(_ path: String) -> String {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { return "" }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            guard count > 0 else { break }
            bytes += chunk[0..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// How many TCP connections the child holds, established, to `port` on this machine (from
    /// `/proc`): a test can see that a child has sent its first request to a server whose
    /// threads are all busy and cannot answer a question about it.
    public func establishedConnections(toPort port: Int) -> Int {
        Self.establishedConnections(pid: pid, toPort: port)
    }

    /// How many TCP connections process `pid` holds, established, to `port` on this machine.
    public static func establishedConnections(pid: Int32, toPort port: Int) -> Int {
        let descriptors = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd")) ?? []
        var sockets = Set<String>()
        for descriptor in descriptors {
            guard
                let target = try? FileManager.default.destinationOfSymbolicLink(
                    atPath: "/proc/\(pid)/fd/\(descriptor)"),
                target.hasPrefix("socket:[")
            else { continue }
            sockets.insert(String(target.dropFirst(8).dropLast()))
        }
        let table = Self.readProcFile("/proc/\(pid)/net/tcp")
        let hex = String(port, radix: 16, uppercase: true)
        let remote = ":" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        return table.split(separator: "\n").dropFirst().filter { line in
            // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
            let fields = line.split(separator: " ")
            return fields.count > 9 && fields[2].hasSuffix(remote) && fields[3] == "01"
                && sockets.contains(String(fields[9]))
        }.count
    }

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
