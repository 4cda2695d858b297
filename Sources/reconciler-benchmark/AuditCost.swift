import Foundation
import LedgerStore
import WireFormat

/// `reconciler-benchmark audit SINCE SLICES`: what the run's balance audit costs on the ledger
/// in `DATABASE_URL` (seeded by scripts/benchmark-audit): the audit of every user (`run --full`,
/// `LedgerReader.balanceDrifts()`) against the rotating audit of a run whose window starts at
/// `SINCE` (the window's users and slice 1 of each `SLICES`; and the window's users alone, with
/// one slice in a billion), each timed three times, best kept.
enum AuditCost {
    /// Runs both audits and prints one `key=value` line.
    static func main(since text: String, slices text2: String) throws {
        let counts = text2.split(separator: ",").compactMap { Int($0) }
        guard let since = RFC3339.timestamp(text)?.date, !counts.isEmpty, counts.allSatisfy({ $0 >= 1 }) else {
            throw BenchmarkError("usage: reconciler-benchmark audit SINCE(RFC 3339) SLICES(≥ 1)[,SLICES...]")
        }
        let session = try LedgerDatabase(parsing: try BenchmarkCommand.setupURL()).open()
        defer { session.close() }
        let reader = session.reader
        let clock = ContinuousClock()
        func best<T>(_ body: () throws -> T) rethrows -> (Duration, T) {
            var result: (Duration, T)?
            for _ in 0..<3 {
                let started = clock.now
                let value = try body()
                let took = clock.now - started
                if result == nil || took < result!.0 { result = (took, value) }
            }
            return result!
        }
        let (full, everyone) = try best { try reader.balanceDrifts().count }
        var line = String(format: "full_audit_s=%.3f full_drifts=%d", full.seconds, everyone)
        for slices in counts {
            let (rotating, some) = try best {
                try reader.balanceDrifts(touchedSince: since, userIds: [], slice: 1, of: slices).count
            }
            line += String(
                format: " rotating_%d_audit_s=%.3f rotating_%d_drifts=%d", slices, rotating.seconds, slices, some)
        }
        let (window, touched) = try best {
            try reader.balanceDrifts(touchedSince: since, userIds: [], slice: 0, of: 1_000_000_000).count
        }
        line += String(format: " window_only_audit_s=%.3f window_only_drifts=%d", window.seconds, touched)
        print(line)
    }
}
