import Foundation
import ReconcilerCore

/// The daemon's follow loop in Prometheus text format (DESIGN §8): how far behind PortOne's
/// journal it is, what it read and what it repaired. Written beside the runs' metrics file
/// (``path(besides:)``) after every tick, atomically, so node_exporter's textfile collector
/// reads both and a tick never rewrites the last run's figures.
public struct FollowMetricsFile: Sendable, Equatable {
    /// Seconds between the last tick and the time before which every journal event is decided;
    /// nil before the first tick that read the journal.
    public var lagSeconds: Int64?
    /// Whether the last tick could read the journal (else it followed the status scan).
    public var eventsFeedAvailable: Bool
    /// When the last tick ended (Unix time).
    public var lastTick: Int64
    /// Journal events read by every tick so far (the cursor's counter).
    public var eventsRead: Int64
    /// Payments decided by every tick so far.
    public var paymentsDecided: Int64
    /// Repairs applied by the follow loop so far.
    public var fixesApplied: Int64
    /// Ticks since the daemon started that failed (PortOne or PostgreSQL unavailable, a limit).
    public var ticksFailed: Int64
    /// Ticks since the daemon started that were skipped because a run held the lock.
    public var ticksSkipped: Int64

    /// Creates the figures.
    public init(
        lagSeconds: Int64?, eventsFeedAvailable: Bool, lastTick: Int64, eventsRead: Int64, paymentsDecided: Int64,
        fixesApplied: Int64, ticksFailed: Int64, ticksSkipped: Int64
    ) {
        self.lagSeconds = lagSeconds
        self.eventsFeedAvailable = eventsFeedAvailable
        self.lastTick = lastTick
        self.eventsRead = eventsRead
        self.paymentsDecided = paymentsDecided
        self.fixesApplied = fixesApplied
        self.ticksFailed = ticksFailed
        self.ticksSkipped = ticksSkipped
    }

    /// The follow loop's file for the runs' `metrics.textfile`: `credit_reconciler.prom` →
    /// `credit_reconciler_follow.prom` in the same folder (node_exporter reads `*.prom`).
    public static func path(besides runsFile: String) -> String {
        let url = URL(fileURLWithPath: runsFile)
        var name = url.lastPathComponent
        if name.hasSuffix(".prom") { name.removeLast(".prom".count) }
        return url.deletingLastPathComponent().appendingPathComponent(name + "_follow.prom").path
    }

    /// The exposition text.
    public var text: String {
        var out = PrometheusText()
        func gauge(_ name: String, _ type: String, _ help: String, _ value: Int64) {
            out.single(name, type, help, value)
        }
        if let lagSeconds {
            gauge(
                "follow_lag_seconds", "gauge",
                "How far behind PortOne's journal the follow loop is: every event older than this is decided.",
                lagSeconds)
        }
        gauge(
            "follow_events_feed_available", "gauge",
            "1 when the last tick read PortOne's journal, 0 when it followed the status scan instead.",
            eventsFeedAvailable ? 1 : 0)
        gauge("follow_last_tick_timestamp_seconds", "gauge", "When the last tick ended (Unix time).", lastTick)
        gauge("follow_events_read_total", "counter", "Journal events the follow loop has read.", eventsRead)
        gauge("follow_payments_decided_total", "counter", "Payments the follow loop has decided.", paymentsDecided)
        gauge(
            "follow_fixes_applied_total", "counter", "Repairs the follow loop has written to the ledger.", fixesApplied)
        gauge("follow_ticks_failed_total", "counter", "Ticks that failed since the daemon started.", ticksFailed)
        gauge(
            "follow_ticks_skipped_total", "counter",
            "Ticks skipped since the daemon started because a run held the lock.",
            ticksSkipped)
        return out.text
    }

    /// Writes ``text`` to `path` atomically.
    public func write(to path: String) throws(ReportFiles.WriteError) {
        try MetricsFile.write(text, to: path)
    }
}
