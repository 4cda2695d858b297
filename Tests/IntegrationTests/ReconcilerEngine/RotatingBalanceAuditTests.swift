import Foundation
import LedgerStore
import Postgres
import ReconcilerCore
import ReconcilerEngine
import TestSupport
import Testing
import WireFormat

/// The rotating balance audit (issue 19): a run audits the users its window touched, those
/// whose drift is open, and one of `policy.balanceAuditRuns` slices of every user, the slice
/// audited longest ago; `--full` audits every user. A drift on a user no run touches is found
/// by the run that audits its slice, within `balanceAuditRuns` runs, and closed once repaired.
@Suite(.serialized) struct RotatingBalanceAuditTests {
    typealias World = ReconciliationWorldTests

    static func engine(_ simulator: SimulatorProcess, _ database: TestDatabase, slices: Int) throws
        -> ReconciliationEngine
    {
        var settings = World.settings(database) { policy, _ in policy.balanceAuditRuns = slices }
        settings.pageSize = 500
        return ReconciliationEngine(settings: settings, client: try simulator.client(), now: { World.clock })
    }

    /// A window after the world's last payment: it touches no user.
    static let quietWindow = RunRequest(
        since: World.worldEnd.adding(nanoseconds: 600 * 1_000_000_000),
        until: World.worldEnd.adding(nanoseconds: 1_200 * 1_000_000_000))

    /// The slice of `userId` among `slices`, as the audit computes it.
    static func slice(of userId: String, slices: Int, _ connection: Connection) throws -> Int {
        let row = try connection.queryFirst(
            "SELECT (('x' || substr(md5($1), 1, 8))::bit(32)::bigint * $2::bigint) / 4294967296 AS slice",
            [userId, Int64(slices)])
        return Int(try row!.decode("slice", as: Int64.self))
    }

    static func openDrifts(_ connection: Connection) throws -> Set<String> {
        Set(
            try connection.query(
                "SELECT user_id FROM reconciler.discrepancy WHERE kind = 'BALANCE_DRIFT' AND status = 'open'"
            ).map { try $0.decode("user_id", as: String.self) })
    }

    @Test func aDriftNoWindowTouchesIsFoundWhenItsSliceComesAndFullFindsItAtOnce() async throws {
        try await TestDatabase.withFresh(schema: .app) { database in
            let (simulator, expected) = try await World.world(payments: 400, seed: 19, database: database)
            defer { simulator.stop() }
            let slices = 3
            let engine = try Self.engine(simulator, database, slices: slices)
            let connection = try database.connect()
            defer { connection.close() }

            // The first run audits every user (no slice was audited before).
            _ = try await engine.run(RunRequest())
            let injected = Set(expected.mistakes.filter { $0.kind == "BALANCE_DRIFT" }.compactMap(\.userId))
            #expect(try Self.openDrifts(connection) == injected)

            // Two users drift behind every window's back; neither had an open drift. The one left
            // to the slices is in slice 2, which the third quiet run audits (an audit of every
            // user would find it in the first).
            let candidates = try connection.query(
                """
                SELECT c."userId" FROM "Credit" c WHERE NOT (c."userId" = ANY($1::text[]))
                ORDER BY c."userId" LIMIT 30
                """, [TextArray(injected.sorted())]
            ).map { try $0.decode("userId", as: String.self) }
            let drifting = try #require(
                try candidates.first { try Self.slice(of: $0, slices: slices, connection) == 2 })
            let forFull = try #require(candidates.first { $0 != drifting })
            let users = [drifting, forFull]
            try connection.execute(
                #"UPDATE "Credit" SET balance = balance + 7 WHERE "userId" = ANY($1::text[])"#, [TextArray(users)])

            // `--full` audits every user at once.
            _ = try await engine.run(
                RunRequest(since: Self.quietWindow.since, until: Self.quietWindow.until, full: true))
            #expect(try Self.openDrifts(connection).isSuperset(of: [drifting, forFull]))
            try connection.execute(
                #"UPDATE "Credit" SET balance = balance - 7 WHERE "userId" = $1"#, [forFull])

            // Quiet runs: the open drift of `forFull` is audited (and closed) by the next one. The
            // first run audited every user, which counts for every slice, and `--full` moved no
            // slice: the next runs audit slices 0, 1, 2.
            let target = try Self.slice(of: drifting, slices: slices, connection)
            try connection.execute(
                "UPDATE reconciler.discrepancy SET status = 'resolved', resolution_note = 'test', resolved_at = now() WHERE user_id = $1 AND kind = 'BALANCE_DRIFT'",
                [drifting])
            var foundBy: [Int] = []
            for slice in [0, 1, 2] {
                _ = try await engine.run(Self.quietWindow)
                let open = try Self.openDrifts(connection)
                #expect(!open.contains(forFull), "a repaired drift is closed by the next run")
                if open.contains(drifting) { foundBy.append(slice) }
                let marked = try connection.queryFirst(
                    "SELECT run_id FROM reconciler.checkpoint WHERE name = $1", ["balance-audit/\(slices)/\(slice)"])
                let latest = try connection.queryFirst("SELECT max(id) AS id FROM reconciler.run")
                #expect(
                    try marked?.decode("run_id", as: Int64.self) == (try latest?.decode("id", as: Int64.self)),
                    "slice \(slice) audited by the last run")
            }
            #expect(target == 2)
            #expect(foundBy == [2], "found by the run auditing its slice, the third: \(foundBy)")
        }
    }
}
