import Foundation
import Postgres

#if canImport(Glibc)
    import Glibc
#endif

/// Watches another process's progress through the database on a thread of its own, and acts
/// (kills it, takes a lock, stops a server) the moment a condition holds.
///
/// `Poll` runs on the Swift concurrency pool, which the suite's other tests keep busy with
/// blocking calls (waiting for child processes, libpq): on a loaded 2-core machine a poll may
/// not run for seconds, and a run it should have caught mid-way has finished by then. Here the
/// checks and the action run back to back on a dedicated thread, with a connection of its own.
public enum ProgressWatch {
    /// Checks `condition` every 2 ms while process `pid` runs; when it holds, runs `action` on the
    /// same thread and connection and returns its result; returns nil when the process ended
    /// first.
    ///
    /// - Throws: `PollTimeout` after `timeout`; whatever the condition or the action throw.
    public static func act<T: Sendable>(
        _ what: String, watching pid: Int32, database: DatabaseURL, timeout: Duration = .seconds(60),
        when condition: @escaping @Sendable (Connection) throws -> Bool,
        then action: @escaping @Sendable (Connection) throws -> T
    ) async throws -> T? {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                do {
                    let connection = try Connection(
                        url: database, configuration: ConnectionConfiguration(applicationName: "progress-watch"))
                    defer { connection.close() }
                    let clock = ContinuousClock()
                    let deadline = clock.now.advanced(by: timeout)
                    while true {
                        guard isAlive(pid) else { return continuation.resume(returning: nil) }
                        if try condition(connection) { return continuation.resume(returning: try action(connection)) }
                        guard clock.now < deadline else { throw PollTimeout(what: what, timeout: timeout) }
                        usleep(2000)
                    }
                } catch {
                    continuation.resume(throwing: error)
                }
            }
            thread.name = "progress-watch"
            thread.start()
        }
    }

    /// Whether `pid` exists and has not exited (a child not yet reaped is a zombie: exited).
    public static func isAlive(_ pid: Int32) -> Bool {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return false }
        let state = text[text.index(after: close)...].split(separator: " ").first
        return state != "Z" && state != "X"
    }

    /// Blocks the calling thread (a watch's own) until `pid` has exited or `timeout` passed.
    public static func waitUntilGone(_ pid: Int32, timeout: Duration = .seconds(30)) {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while isAlive(pid) && clock.now < deadline { usleep(1000) }
    }
}
