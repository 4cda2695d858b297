import Foundation
import LedgerStore
import WireFormat

/// `reconciler-benchmark audit SINCE SLICES`: what the run's balance audit costs on the ledger
/// in `DATABASE_URL` (seeded by scripts/benchmark-audit): the audit of every user (`run --full`,
/// `LedgerReader.balanceDrifts()`) against the rotating audit of a run whose window starts at
/// `SINCE` (the window's users and slice 1 of `SLICES`), each timed three times, best kept.
enum AuditCost {
    /// Runs both audits and prints one `key=value` line.
    static func main(since text: String, slices text2: String) throws {
        guard let since = RFC3339.timestamp(text)?.date, let slices = Int(text2), slices >= 1 else {
            throw BenchmarkError("usage: reconciler-benchmark audit SINCE(RFC 3339) SLICES(≥ 1)")
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
        let (rotating, some) = try best {
            try reader.balanceDrifts(touchedSince: since, userIds: [], slice: 1, of: slices).count
        }
        print(
            String(
                format: "full_audit_s=%.3f full_drifts=%d rotating_audit_s=%.3f rotating_drifts=%d slices=%d",
                full.seconds, everyone, rotating.seconds, some, slices))
    }
}
