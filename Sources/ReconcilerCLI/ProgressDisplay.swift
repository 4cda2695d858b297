import Foundation
import ReconcilerEngine
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A one-line progress display for long runs: pages scanned, payments per second and repairs
/// so far. On a terminal it is rewritten in place on standard error at most four times a second
/// and is silent when standard error is not a terminal (systemd, pipes, files); the daemon uses
/// the same throttle to send `STATUS=` lines to systemd.
final class ProgressDisplay: Sendable {
    private struct State {
        var lastDrawn: ContinuousClock.Instant?
        var drawnWidth = 0
    }

    private let enabled: Bool
    private let inPlace: Bool
    private let started = ContinuousClock.now
    private let state = Mutex(State())
    private let interval: Duration
    private let draw: @Sendable (String) -> Void

    /// The terminal display in use, cleared before any other line goes to standard error.
    private static let active = Mutex<ProgressDisplay?>(nil)

    /// A terminal display on standard error, drawn only when it is a terminal (or `force` says so).
    init(force: Bool? = nil) {
        enabled = force ?? (isatty(STDERR_FILENO) == 1)
        inPlace = true
        interval = .milliseconds(250)
        draw = { FileHandle.standardError.write(Data($0.utf8)) }
        if enabled { Self.active.withLock { $0 = self } }
    }

    /// Clears the active terminal display's line, so a log line starts at the left margin
    /// (the display is drawn again on its next update).
    static func clearActive() {
        active.withLock { $0 }?.finish()
    }

    /// A display that hands each line to `draw`, at most once per `interval`.
    init(interval: Duration, draw: @escaping @Sendable (String) -> Void) {
        enabled = true
        inPlace = false
        self.interval = interval
        self.draw = draw
    }

    /// Draws `progress` unless the last drawing is younger than the interval.
    func update(_ progress: RunProgress) {
        guard enabled else { return }
        let now = ContinuousClock.now
        let line: String? = state.withLock { state in
            if let last = state.lastDrawn, now - last < interval { return nil }
            state.lastDrawn = now
            let text = Self.render(progress, elapsed: now - started)
            guard inPlace else { return text }
            let padding = max(0, state.drawnWidth - text.count)
            state.drawnWidth = text.count
            return "\r" + text + String(repeating: " ", count: padding)
        }
        if let line { draw(line) }
    }

    /// Clears the line before other output follows.
    func finish() {
        guard enabled, inPlace else { return }
        let width = state.withLock { state in
            defer { state.drawnWidth = 0 }
            return state.drawnWidth
        }
        guard width > 0 else { return }
        draw("\r" + String(repeating: " ", count: width) + "\r")
    }
    /// The text of one progress line.
    static func render(_ progress: RunProgress, elapsed: Duration) -> String {
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let rate = seconds > 0.5 ? Int((Double(progress.paymentsScanned) / seconds).rounded()) : 0
        return
            "\(progress.phase.rawValue): \(progress.pagesScanned) pages, \(progress.paymentsScanned) payments (\(rate)/s), "
            + "\(progress.repairsApplied) of \(progress.repairsQueued) repairs applied"
    }
}
