import Foundation
import Postgres

#if canImport(Glibc)
    import Glibc
#endif

/// A PostgreSQL cluster of one test's own, in a temporary folder, on a loopback port: for tests
/// that stop, kill and restart the server, which they must never do to the suite's shared
/// cluster (other tests run against it in parallel).
///
/// The postmaster runs as a direct child of the test process (as the `postgres` user through
/// `setpriv` when the tests run as root: `initdb` and `postgres` refuse root), so the test knows
/// its PID, can kill it, and reaps it. `stop()` (also run on deinit) ends it by that PID and
/// deletes the folder, whatever state the test left it in.
///
/// ```swift
/// let cluster = try await ThrowawayCluster.start()
/// defer { cluster.stop() }
/// let database = try TestDatabase.create(schema: .app, on: cluster.adminURL)
/// try await cluster.restart(.kill)
/// ```
public final class ThrowawayCluster {
    /// How the server goes down in `restart(_:)`.
    public enum Stop: String, Sendable, CaseIterable {
        /// SIGKILL to the postmaster (`kill -9`): its backends notice its death and exit; the
        /// next start recovers from the write-ahead log.
        case kill
        /// SIGQUIT to the postmaster (`pg_ctl stop -m immediate`): it ends every backend at
        /// once and exits without a checkpoint; the next start recovers.
        case immediate

        /// The signal sent to the postmaster.
        public var signal: Int32 { self == .kill ? SIGKILL : SIGQUIT }
    }

    /// The cluster admin (`postgres`, with a random password, over TCP on 127.0.0.1).
    public let adminURL: DatabaseURL
    /// The loopback port the server listens on (the same after a restart).
    public let port: Int
    /// The random password of the admin role (tests check it never shows in output).
    public let password: String
    private let folder: URL
    private let binaries: URL
    private var server: Process?

    private init(folder: URL, binaries: URL, port: Int, password: String, server: Process) throws {
        self.folder = folder
        self.binaries = binaries
        self.port = port
        self.password = password
        self.server = server
        adminURL = try DatabaseURL(parsing: "postgresql://postgres:\(password)@127.0.0.1:\(port)/postgres")
    }

    /// The postmaster's PID while it runs.
    public var pid: Int32? {
        guard let server, server.isRunning else { return nil }
        return server.processIdentifier
    }

    /// Creates a cluster with `initdb` and starts it on a free loopback port.
    public static func start() async throws -> ThrowawayCluster {
        let binaries = try binaryFolder()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "throwaway-pg-\(UUID().uuidString)")
        do {
            try FileManager.default.createDirectory(
                at: folder.appendingPathComponent("socket"), withIntermediateDirectories: true)
            try FileManager.default.createDirectory(
                at: folder.appendingPathComponent("data"), withIntermediateDirectories: true)
            _ = chmod(folder.path, 0o755)
            let password = TestDatabase.randomHex(bytes: 16)
            try Data((password + "\n").utf8).write(to: folder.appendingPathComponent("pwfile"))
            try giveToServerUser(folder)
            try runAsServerUser(
                binaries.appendingPathComponent("initdb"),
                [
                    "-D", folder.appendingPathComponent("data").path, "-U", "postgres",
                    "--pwfile=\(folder.appendingPathComponent("pwfile").path)", "--auth-local=trust",
                    "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync",
                ], log: folder.appendingPathComponent("initdb.log"))
            try? FileManager.default.removeItem(at: folder.appendingPathComponent("pwfile"))
            var generator = SystemRandomNumberGenerator()
            for _ in 0..<20 {
                let port = Int.random(in: 20_000..<60_000, using: &generator)
                if let server = try await launch(binaries: binaries, folder: folder, port: port, password: password) {
                    return try ThrowawayCluster(
                        folder: folder, binaries: binaries, port: port, password: password, server: server)
                }
            }
            throw ThrowawayClusterError("no free loopback port found after 20 attempts (folder \(folder.path))")
        } catch {
            try? FileManager.default.removeItem(at: folder)
            throw error
        }
    }

    /// Takes the server down the `stop` way and starts it again (`startAgain()`).
    public func restart(_ stop: Stop) async throws {
        guard let pid else { throw ThrowawayClusterError("the server is not running") }
        _ = Glibc.kill(pid, stop.signal)
        try await startAgain()
    }

    /// After the postmaster was signalled (by `restart(_:)`, or by a test's own thread the moment
    /// it wanted): waits until it and every process working in its data folder are gone, and
    /// starts it again on the same data folder and port; returns when it accepts connections
    /// (after crash recovery).
    public func startAgain() async throws {
        let old = server
        let data = folder.appendingPathComponent("data").resolvingSymlinksInPath().path
        try await Poll.until("the old server and its processes are gone") {
            !(old?.isRunning ?? false) && Self.processes(workingIn: data).isEmpty
        }
        server = nil
        guard
            let restarted = try await Self.launch(binaries: binaries, folder: folder, port: port, password: password)
        else {
            throw ThrowawayClusterError(
                "port \(port) was taken while the server was down: \(Self.log(in: folder).suffix(2000))")
        }
        server = restarted
    }

    /// Stops the server by its PID (fast shutdown; SIGKILL after 30 s), waits for it, and deletes
    /// the folder. Safe to call more than once, and whatever state the server is in.
    public func stop() {
        if let server, server.isRunning {
            let pid = server.processIdentifier
            let children = Self.children(of: pid)
            _ = Glibc.kill(pid, SIGINT)
            if !Self.wait(for: { !server.isRunning }, seconds: 30) {
                _ = Glibc.kill(pid, SIGKILL)
                for child in children { _ = Glibc.kill(child, SIGKILL) }
                _ = Self.wait(for: { !server.isRunning }, seconds: 10)
            }
        }
        server = nil
        try? FileManager.default.removeItem(at: folder)
    }

    deinit { stop() }

    // MARK: Starting

    /// Starts the postmaster on `port` and waits until it accepts connections; nil when the port
    /// is taken.
    ///
    /// `fsync` is off (only an operating system crash needs it), but `synchronous_commit` stays
    /// on, as in production: with it off, a server crash loses the last commits still in the
    /// server's WAL buffers, which a test that kills the server would see as lost repairs.
    private static func launch(binaries: URL, folder: URL, port: Int, password: String) async throws -> Process? {
        let logURL = folder.appendingPathComponent("server.log")
        if !FileManager.default.fileExists(atPath: logURL.path) { try Data().write(to: logURL) }
        try giveToServerUser(logURL)
        let log = try FileHandle(forWritingTo: logURL)
        defer { try? log.close() }
        try log.seekToEnd()
        let process = serverUserProcess(
            binaries.appendingPathComponent("postgres"),
            [
                "-D", folder.appendingPathComponent("data").path, "-p", "\(port)", "-k",
                folder.appendingPathComponent("socket").path, "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off",
                "-c", "full_page_writes=off", "-c", "max_connections=100",
            ])
        process.standardOutput = log
        process.standardError = log
        try process.run()
        let url = try DatabaseURL(parsing: "postgresql://postgres:\(password)@127.0.0.1:\(port)/postgres")
        do {
            try await Poll.until("PostgreSQL accepts connections on port \(port)", every: .milliseconds(20)) {
                guard process.isRunning else { return true }
                guard let connection = try? Connection(url: url) else { return false }
                connection.close()
                return true
            }
        } catch {
            _ = Glibc.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw error
        }
        guard process.isRunning else {
            let text = Self.log(in: folder)
            if text.contains("could not bind") || text.contains("Address already in use") { return nil }
            throw ThrowawayClusterError("PostgreSQL did not start: \(text.suffix(2000))")
        }
        return process
    }

    /// The newest server binaries: `pg_config --bindir`'s, else `/usr/lib/postgresql/<version>/bin`.
    static func binaryFolder() throws -> URL {
        let root = URL(fileURLWithPath: "/usr/lib/postgresql")
        let versions =
            ((try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? [])
            .compactMap { Int($0) }.sorted(by: >)
        for version in versions {
            let folder = root.appendingPathComponent("\(version)/bin")
            if FileManager.default.isExecutableFile(atPath: folder.appendingPathComponent("initdb").path) {
                return folder
            }
        }
        throw ThrowawayClusterError(
            "initdb not found under /usr/lib/postgresql/*/bin: install the server with 'apt-get install -y postgresql'")
    }

    // MARK: The server user

    private static var isRoot: Bool { geteuid() == 0 }

    /// A process running `executable` as the `postgres` user when the tests run as root. `setpriv`
    /// switches user and execs (no intermediate process), so the child is the server itself.
    private static func serverUserProcess(_ executable: URL, _ arguments: [String]) -> Process {
        let process = Process()
        if isRoot {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
            process.arguments =
                ["--reuid=postgres", "--regid=postgres", "--init-groups", "--", executable.path] + arguments
        } else {
            process.executableURL = executable
            process.arguments = arguments
        }
        process.environment = ["PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8"]
        process.standardInput = FileHandle.nullDevice
        return process
    }

    private static func runAsServerUser(_ executable: URL, _ arguments: [String], log: URL) throws {
        try Data().write(to: log)
        let handle = try FileHandle(forWritingTo: log)
        defer { try? handle.close() }
        let process = serverUserProcess(executable, arguments)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            throw ThrowawayClusterError("\(executable.lastPathComponent) failed: \(text.suffix(2000))")
        }
    }

    /// Hands `url` (recursively) to the `postgres` user when the tests run as root.
    private static func giveToServerUser(_ url: URL) throws {
        guard isRoot else { return }
        guard let user = getpwnam("postgres") else {
            throw ThrowawayClusterError(
                "the 'postgres' system user is missing: install the server with 'apt-get install -y postgresql'")
        }
        let uid = user.pointee.pw_uid
        let gid = user.pointee.pw_gid
        var paths = [url.path]
        if let walker = FileManager.default.enumerator(atPath: url.path) {
            paths += walker.compactMap { $0 as? String }.map { url.appendingPathComponent($0).path }
        }
        for path in paths where chown(path, uid, gid) != 0 {
            throw ThrowawayClusterError("cannot hand \(path) to the postgres user (errno \(errno))")
        }
    }

    // MARK: Processes

    /// Live processes whose working folder is `folder` (a server's processes work in its data
    /// folder, and outlive a killed postmaster for a moment).
    static func processes(workingIn folder: String) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { Int32($0) }.filter { pid in
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/cwd")) == folder
                && isAlive(pid)
        }
    }

    /// The PIDs of `pid`'s child processes (the server's backends and helpers).
    static func children(of pid: Int32) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { Int32($0) }.filter { parent(of: $0) == pid }
    }

    /// Field 4 of `/proc/<pid>/stat`.
    private static func parent(of pid: Int32) -> Int32? {
        statFields(of: pid).flatMap { $0.count > 1 ? Int32($0[1]) : nil }
    }

    /// Whether `pid` exists and is not a zombie.
    static func isAlive(_ pid: Int32) -> Bool {
        guard let fields = statFields(of: pid), let state = fields.first else { return false }
        return state != "Z" && state != "X"
    }

    /// The fields of `/proc/<pid>/stat` after the command name: state, ppid, ...
    private static func statFields(of pid: Int32) -> [String]? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return nil }
        return text[text.index(after: close)...].split(separator: " ").map(String.init)
    }

    /// Checks `condition` every 10 ms for up to `seconds`; for `stop()`, which runs in deinit
    /// and cannot await.
    private static func wait(for condition: () -> Bool, seconds: Int) -> Bool {
        let deadline = DispatchTime.now() + .seconds(seconds)
        while !condition() {
            guard DispatchTime.now() < deadline else { return false }
            usleep(10_000)
        }
        return true
    }

    private static func log(in folder: URL) -> String {
        (try? String(contentsOf: folder.appendingPathComponent("server.log"), encoding: .utf8)) ?? ""
    }
}
