import Foundation
import ReconcilerEngine

/// The figures of one measured run, printed as one `key=value` line.
struct BenchmarkFigures {
    /// What the run itself counted.
    struct Run {
        /// Payments received from PortOne.
        var payments: Int
        /// Repairs written.
        var repairs: Int
        /// PortOne requests, every outcome.
        var apiRequests: Int
        /// SQL statements sent.
        var sqlStatements: Int
        /// `"CreditTransaction"` rows read.
        var ledgerRows: Int
        /// Where the time went.
        var timings: RunTimings
    }

    /// `engine` or `baseline`.
    var mode: String
    /// What the run counted.
    var run: Run
    /// Wall time of the run.
    var wall: Duration
    /// User CPU seconds of this process during the run.
    var cpuUser: Double
    /// System CPU seconds of this process during the run.
    var cpuSystem: Double
    /// Peak resident memory (`VmHWM`) of this process.
    var peakRSSKiB: Int

    /// Runs `body` and measures wall time, CPU time and peak RSS (`VmHWM`) of this process.
    static func measure(mode: String, _ body: () async throws -> Run) async throws -> BenchmarkFigures {
        let clock = ContinuousClock()
        let (userBefore, systemBefore) = cpuSeconds()
        let started = clock.now
        let run = try await body()
        let wall = clock.now - started
        let (userAfter, systemAfter) = cpuSeconds()
        return BenchmarkFigures(
            mode: mode, run: run, wall: wall, cpuUser: userAfter - userBefore, cpuSystem: systemAfter - systemBefore,
            peakRSSKiB: peakRSS())
    }

    /// The figures as one `key=value` line.
    var line: String {
        let seconds = wall.seconds
        let timings = run.timings
        let fields: [(String, String)] = [
            ("mode", mode), ("payments", "\(run.payments)"), ("wall_s", fixed(seconds, 2)),
            ("payments_per_s", "\(Int(Double(run.payments) / max(seconds, 0.001)))"),
            ("api_requests", "\(run.apiRequests)"), ("sql_statements", "\(run.sqlStatements)"),
            ("ledger_rows_read", "\(run.ledgerRows)"), ("repairs", "\(run.repairs)"),
            ("repair_phase_s", fixed(timings.applying.seconds, 2)),
            ("repairs_per_s", "\(Int(Double(run.repairs) / max(timings.applying.seconds, 0.001)))"),
            ("peak_rss_mib", "\(peakRSSKiB / 1024)"), ("cpu_user_s", fixed(cpuUser, 2)),
            ("cpu_sys_s", fixed(cpuSystem, 2)), ("decode_s", fixed(timings.decoding.seconds, 2)),
            ("decide_s", fixed(timings.deciding.seconds, 2)), ("db_wait_s", fixed(timings.database.seconds, 2)),
        ]
        let byPurpose = timings.databaseBy.sorted { $0.key < $1.key }.map {
            ("db_\($0.key)_s", fixed($0.value.seconds, 2))
        }
        return (fields + byPurpose).map { "\($0.0)=\($0.1)" }.joined(separator: " ")
    }

    private func fixed(_ value: Double, _ digits: Int) -> String {
        String(format: "%.\(digits)f", value)
    }

    private static func cpuSeconds() -> (Double, Double) {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return (seconds(usage.ru_utime), seconds(usage.ru_stime))
    }

    /// `VmHWM` of this process in KiB (0 when /proc is not there).
    private static func peakRSS() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? 0
        }
        return 0
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
