import Foundation
import LedgerStore
import Postgres
import ReconcilerCore
import TestSupport
import Testing

/// RunRecorder: one run at a time, abandoned runs, checkpoints, run listings.
@Suite("Run recorder")
struct RunRecorderTests {
    static func start(
        _ mode: RunMode = .apply, paymentIds: [String]? = nil, host: String = "host-a", pid: Int32 = 4242
    ) -> RunStart {
        RunStart(
            trigger: .manual, mode: mode, paymentIds: paymentIds,
            windowFrom: Date(timeIntervalSince1970: 1_790_000_000),
            windowUntil: Date(timeIntervalSince1970: 1_790_086_400), host: host, pid: pid, version: "0.1.0-test")
    }

    @Test("a second recorder gets RunLockHeld naming the first run's session, host and pid")
    func lockContention() throws {
        try TestDatabase.withFresh(schema: .migrated) { database in
            let first = RunRecorder(
                connection: try database.connect(configuration: ConnectionConfiguration(applicationName: "cr-first")))
            let second = RunRecorder(connection: try database.connect())
            let handle = try first.begin(Self.start(host: "batch-01", pid: 777))
            #expect(first.holdsRunLock())
            let thrown = #expect(throws: LedgerStoreError.self) { try second.begin(Self.start(host: "batch-02")) }
            let error: RunLockHeld? = if case .runLockHeld(let held)? = thrown { held } else { nil }
            #expect(error != nil, "\(String(describing: thrown))")
            #expect(error?.holder?.pid == first.connection.backendPID)
            #expect(error?.holder?.applicationName == "cr-first")
            #expect(error?.runningRun?.id == handle.runId)
            let message = error.map { "\($0)" } ?? ""
            #expect(message.contains("run \(handle.runId)"))
            #expect(message.contains("batch-01"))
            #expect(message.contains("pid 777"))
            #expect(message.contains("backend pid \(first.connection.backendPID)"))
            #expect(message.contains("pg_terminate_backend(\(first.connection.backendPID))"))
            #expect(try second.runs(limit: 10).count == 1)

            try first.finish(handle.runId, outcome: .succeeded, totalsJSON: #"{"paymentsScanned": 3}"#)
            #expect(!first.holdsRunLock())
            let next = try second.begin(Self.start())
            #expect(next.abandonedRunIds.isEmpty)
            let finished = try #require(try second.run(id: handle.runId))
            #expect(finished.status == .succeeded)
            #expect(finished.finishedAt != nil)
            #expect(finished.totalsJSON == #"{"paymentsScanned": 3}"#)
            #expect(try second.latestRun()?.id == next.runId)
            #expect(try second.latestRun(status: .succeeded)?.id == handle.runId)
        }
    }

    @Test("a report written in pieces is stored as their exact concatenation, with or without temporary tables")
    func reportInPieces() throws {
        var role: TestRole?
        defer { role?.drop() }
        try TestDatabase.withFresh(schema: .migrated) { database in
            let pieces = [#"{"fixes":[{"note":"결제 \"1\""}"#, #",{"note":"x\\y"}"#, "],", #""run":{"id":1}}"#]
            let expected = pieces.joined()
            let owner = RunRecorder(connection: try database.connect())
            let first = try owner.begin(Self.start())
            try owner.finish(
                first.runId, outcome: .succeeded,
                report: { (emit) throws(LedgerStoreError) in for piece in pieces { try emit(piece) } })
            #expect(try owner.report(runId: first.runId) == expected)

            // A role that may not create temporary tables: the pieces are joined and sent as one value.
            role = try TestRole.create(in: database)
            let admin = try database.connect()
            defer { admin.close() }
            let name = try #require(
                try admin.queryFirst("SELECT current_database() AS name")?.decode("name", as: String.self))
            try admin.executeScript(#"REVOKE TEMPORARY ON DATABASE "\#(name)" FROM PUBLIC"#)
            let restricted = RunRecorder(connection: try role!.connect())
            let mayCreate = try restricted.connection.queryFirst(
                "SELECT has_database_privilege(current_database(), 'TEMPORARY') AS ok")?.decode("ok", as: Bool.self)
            #expect(mayCreate == false, "the role must lack TEMPORARY for this half of the test")
            let second = try restricted.begin(Self.start())
            try restricted.finish(
                second.runId, outcome: .failed, error: "x",
                report: { (emit) throws(LedgerStoreError) in for piece in pieces { try emit(piece) } })
            #expect(try owner.report(runId: second.runId) == expected)
            #expect(try owner.run(id: second.runId)?.status == .failed)
        }
    }

    @Test("a running row whose process died is marked abandoned by the next run")
    func staleRunningIsAbandoned() throws {
        try TestDatabase.withFresh(schema: .migrated) { database in
            let crashed = RunRecorder(connection: try database.connect())
            let lost = try crashed.begin(Self.start(paymentIds: ["pay,1", "결제\"2"]))
            // The process dies: its session ends, the server drops its lock.
            crashed.connection.close()
            // The server drops the lock when the closed session's backend exits: wait for exactly
            // that (pg_advisory_lock blocks until the lock is free), then let it go again.
            let waiter = try database.connect()
            try waiter.advisoryLock(LedgerLockKeys.run)
            try waiter.advisoryUnlock(LedgerLockKeys.run)
            let recorder = RunRecorder(connection: try database.connect())
            let next = try recorder.begin(Self.start())
            #expect(next.abandonedRunIds == [lost.runId])
            let old = try #require(try recorder.run(id: lost.runId))
            #expect(old.status == .abandoned)
            #expect(old.error == RunRecorder.abandonedError)
            #expect(old.finishedAt != nil)
            #expect(old.paymentIds == ["pay,1", "결제\"2"])
            #expect(try recorder.run(id: next.runId)?.status == .running)
            try recorder.finish(next.runId, outcome: .failed, error: "PortOne unavailable")
            #expect(try recorder.run(id: next.runId)?.error == "PortOne unavailable")
            let again = #expect(throws: LedgerStoreError.self) {
                try recorder.finish(next.runId, outcome: .succeeded)
            }
            #expect(again?.message.contains("already failed") == true)
        }
    }

    @Test("a checkpoint never moves backwards")
    func checkpointForwardOnly() throws {
        try TestDatabase.withFresh(schema: .migrated) { database in
            let recorder = RunRecorder(connection: try database.connect())
            let run = try recorder.begin(Self.start())
            #expect(try recorder.checkpoint("scan") == nil)
            let t1 = Date(timeIntervalSince1970: 1_790_000_000.123456)
            #expect(try recorder.advanceCheckpoint("scan", to: t1, runId: run.runId).value == t1)
            let earlier = try recorder.advanceCheckpoint("scan", to: t1.addingTimeInterval(-3600), runId: run.runId)
            #expect(earlier.value == t1)
            let later = t1.addingTimeInterval(60)
            #expect(try recorder.advanceCheckpoint("scan", to: later, runId: run.runId).value == later)
            #expect(try recorder.checkpoint("scan")?.value == later)
            #expect(try recorder.checkpoint("scan")?.runId == run.runId)
            #expect(try recorder.checkpoint("other") == nil)
            try recorder.finish(run.runId, outcome: .aborted)
            #expect(try recorder.runs(limit: 5).map(\.status) == [.aborted])
        }
    }
}
