import Foundation
import LedgerStore
import Postgres
import ReconcilerCore
import TestSupport
import Testing

/// `reconciler.plan` through PlanStore, as the least-privilege runtime role uses it: a plan is
/// stored with its repairs and hash, supersedes older unstarted plans, is approved once by name,
/// applied once; the role can delete none of it.
@Suite("Plan store")
struct PlanStoreTests {
    static func plan(_ credits: Int64, payment: String = "pay_1") -> RepairPlan {
        RepairPlan(repairs: [
            PlannedRepair(
                repair: Repair(
                    kind: .missedGrant, paymentId: payment, userId: "user_a", packageId: "basic", credits: credits,
                    ledgerAmount: credits, cancellationId: nil, description: "grant", isAutoApplicable: true),
                facts: PlanFacts(
                    status: "PAID", totalAmount: 30_000, cancelledAmount: 0, cancellations: [], ledgerPurchase: 0,
                    ledgerRefund: 0, balance: 100))
        ])
    }

    static func run(_ connection: Connection) throws -> Int64 {
        try connection.queryFirst(
            """
            INSERT INTO reconciler.run (trigger, mode, host, pid, version)
            VALUES ('manual', 'dry-run', 'test-host', 1, '0.1.0') RETURNING id
            """)!.decode("id")
    }

    @Test func theRoleStoresApprovesAndAppliesAPlanOnce() throws {
        try ReconcilerRoleTests.withRole { connection, _ in
            let store = PlanStore(connection: connection)
            let runId = try Self.run(connection)
            let older = try #require(try store.create(Self.plan(330), runId: runId, reason: .dryRun, ttl: 3_600))
            let plan = try #require(try store.create(Self.plan(100), runId: runId, reason: .limit, ttl: 3_600))
            #expect(try store.create(RepairPlan(repairs: []), runId: runId, reason: .dryRun, ttl: 3_600) == nil)
            #expect(plan.hash == Self.plan(100).hash && plan.state == .proposed)
            #expect(try store.plan(id: older.id)?.state == .superseded)
            #expect(try store.plan(id: older.id)?.supersededBy == plan.id)
            #expect(try store.list().map(\.id) == [plan.id, older.id])
            #expect(try store.plan(named: "latest").id == plan.id)
            #expect(try store.repairPlan(planId: plan.id).hash == plan.hash)

            #expect(throws: LedgerStoreError.plan(.notApproved(planId: plan.id))) {
                try store.beginApply(id: plan.id, runId: runId)
            }
            #expect(throws: LedgerStoreError.plan(.superseded(planId: older.id, by: plan.id))) {
                try store.approve(id: older.id, by: "kim", note: "ok")
            }
            let approved = try store.approve(id: plan.id, by: " kim ", note: "checked")
            #expect(approved.state == .approved && approved.approvedBy == "kim" && approved.approvedAt != nil)
            #expect(throws: LedgerStoreError.plan(.alreadyApproved(planId: plan.id, by: "kim"))) {
                try store.approve(id: plan.id, by: "lee", note: "again")
            }
            #expect(try store.beginApply(id: plan.id, runId: runId).state == .applying)
            // Resumable: an apply that died is begun again.
            #expect(try store.beginApply(id: plan.id, runId: runId).state == .applying)
            #expect(try store.repairedPayments(planId: plan.id).isEmpty)
            let applied = try store.finishApply(id: plan.id, runId: runId)
            #expect(applied.state == .applied && applied.appliedAt != nil)
            #expect(try store.repairs(planId: plan.id).map(\.outcome) == [.changed])
            #expect(throws: LedgerStoreError.plan(.alreadyApplied(planId: plan.id))) {
                try store.beginApply(id: plan.id, runId: runId)
            }
            #expect(throws: LedgerStoreError.plan(.unknown("99"))) { try store.approve(id: 99, by: "kim", note: "x") }

            for statement in [
                "DELETE FROM reconciler.plan", "DELETE FROM reconciler.plan_repair",
                "DELETE FROM reconciler.plan_apply",
                "TRUNCATE reconciler.plan",
            ] {
                let error = #expect(throws: PostgresError.self) { try connection.execute(statement) }
                #expect(error?.sqlState == "42501", "\(statement)")
            }
        }
    }

    @Test func aPlanPastItsTTLIsExpiredWhenApprovedOrApplied() throws {
        try ReconcilerRoleTests.withRole { connection, _ in
            let store = PlanStore(connection: connection)
            let runId = try Self.run(connection)
            let plan = try #require(try store.create(Self.plan(100), runId: runId, reason: .dryRun, ttl: 3_600))
            let later = Date().addingTimeInterval(7_200)
            #expect(try store.plan(id: plan.id, now: later)?.state == .expired)
            #expect(try store.plan(id: plan.id)?.state == .proposed)
            #expect(throws: LedgerStoreError.plan(.expired(planId: plan.id))) {
                try store.approve(id: plan.id, by: "kim", note: "late", now: later)
            }
            let stored: String = try connection.queryFirst(
                "SELECT status FROM reconciler.plan WHERE id = $1", [plan.id])!.decode("status")
            #expect(stored == "expired")
        }
    }

    @Test func aRoleSetUpBeforeMigration8MayKeepPlansOnceMigrateAddsThem() throws {
        var role: TestRole?
        defer { role?.drop() }
        try TestDatabase.withFresh(schema: .app) { database in
            let admin = try database.connect()
            defer { admin.close() }
            _ = try Migrator(connection: admin, migrations: Migration.embedded.filter { $0.version < 8 }).migrate()
            role = try TestRole.create(in: database)
            _ = try Migrator(connection: admin).migrate()
            let connection = try role!.connect()
            defer { connection.close() }
            let store = PlanStore(connection: connection)
            let plan = try #require(
                try store.create(Self.plan(100), runId: try Self.run(connection), reason: .dryRun, ttl: 60))
            #expect(try store.approve(id: plan.id, by: "kim", note: "ok").state == .approved)
            let session = LedgerSession(connection: connection)
            #expect(try session.missingPrivileges().isEmpty)
        }
    }
}
