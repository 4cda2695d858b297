import Foundation

/// Waits for a condition by checking it every few milliseconds: for tests that watch another
/// process or connection make progress, instead of sleeping a fixed time and hoping.
public enum Poll {
    /// Checks `condition` every `interval` until it holds; throws `PollTimeout` after `timeout`.
    public static func until(
        _ what: String, timeout: Duration = .seconds(60), every interval: Duration = .milliseconds(3),
        _ condition: () async throws -> Bool
    ) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while try await !condition() {
            guard clock.now < deadline else { throw PollTimeout(what: what, timeout: timeout) }
            try await Task.sleep(for: interval)
        }
    }
}

/// A condition a test waited for did not come true in time.
public struct PollTimeout: Error, CustomStringConvertible {
    /// What the test was waiting for.
    public var what: String
    /// How long it waited.
    public var timeout: Duration

    /// A timeout after waiting `timeout` until `what`.
    public init(what: String, timeout: Duration) {
        self.what = what
        self.timeout = timeout
    }

    /// Says what never happened.
    public var description: String { "gave up after \(timeout) waiting until \(what)" }
}
