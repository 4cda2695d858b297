import LedgerStore
import Postgres
import ReconcilerEngine

extension RunResult {
    /// The fixes the run wrote, read from `reconciler.fix` (a result does not hold them).
    func fixes(in url: DatabaseURL) throws -> [AppliedFix] {
        let connection = try Connection(url: url)
        defer { connection.close() }
        return try RepairQueue.allFixes(on: connection, runId: runId)
    }
}

extension RunResult {
    /// The fixes the run wrote, read on `connection`.
    func fixes(on connection: Connection) throws -> [AppliedFix] {
        try RepairQueue.allFixes(on: connection, runId: runId)
    }
}
