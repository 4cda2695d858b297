import Foundation
import LedgerStore
import Postgres
import ReconcilerCore
import TestSupport
import Testing
import WireFormat

#if canImport(Glibc)
    import Glibc
#endif

/// DESIGN §4.6 through the built binary: a dry run's plan is reviewed, approved by name and
/// applied once, exactly as planned; what changed since the plan is skipped and listed; every
/// refusal exits 1 with what to do; a killed apply is finished by the next.
@Suite(.serialized) struct PlanCommandTests {
    static func cli(_ arguments: [String], _ environment: [String: String]) throws -> (
        status: Int32, out: String, err: String
    ) {
        let outcome = try ProductProcess.run("credit-reconciler", arguments, environment: environment)
        return (outcome.status, outcome.standardOutput, outcome.standardError)
    }

    static func planState(_ id: Int64, _ connection: Connection) throws -> String {
        try connection.queryFirst("SELECT status FROM reconciler.plan WHERE id = $1", [id])!.decode("status")
    }

    static func planIds(_ connection: Connection) throws -> [Int64] {
        try connection.query("SELECT id FROM reconciler.plan ORDER BY id").map { try $0.decode("id", as: Int64.self) }
    }

    @Test func anApprovedDryRunPlanEndsWhereADirectRunDoesAndIsAppliedOnce() async throws {
        try await ChaosWorld.withReferenceAndCopy(payments: 600, seed: 43) { world, config, reference, planned in
            try RunCommandTests.runUninterrupted(
                RunCommandTests.environment(world.simulator, reference, configFile: config))
            let env = RunCommandTests.environment(world.simulator, planned, configFile: config)
            let b = try planned.connect()
            defer { b.close() }

            let dry = try Self.cli(["run", "--dry-run"], env)
            #expect(dry.status == 0, "\(dry.err)")
            let planId = try #require(try Self.planIds(b).last)
            #expect(dry.out.contains("plan              \(planId) (sha256 "), "\(dry.out)")
            #expect(try RunCrashTests.fixCount(b) == 0)

            let list = try Self.cli(["plan", "list"], env)
            #expect(list.status == 0 && list.out.contains("#\(planId)  proposed"), "\(list.out)\(list.err)")

            let report = try Self.cli(["report", "--format", "md"], env)
            #expect(report.out.contains("plan show \(planId) --format html"), "\(report.out)\(report.err)")
            let status = try Self.cli(["status"], env)
            #expect(status.status == 0 && status.out.contains("plans waiting: 1"), "\(status.out)\(status.err)")
            let unapproved = try Self.cli(["plan", "apply", "\(planId)"], env)
            #expect(unapproved.status == 1)
            #expect(
                unapproved.err.contains("is not approved") && unapproved.err.contains("plan approve"),
                "\(unapproved.err)")
            #expect(try RunCrashTests.fixCount(b) == 0)

            let html = FileManager.default.temporaryDirectory.appendingPathComponent("plan-\(UUID().uuidString).html")
            defer { try? FileManager.default.removeItem(at: html) }
            let show = try Self.cli(["plan", "show", "latest", "--format", "html", "--output", html.path], env)
            #expect(show.status == 0, "\(show.err)")
            let page = try String(contentsOf: html, encoding: .utf8)
            let hash: String = try b.queryFirst("SELECT hash FROM reconciler.plan WHERE id = $1", [planId])!.decode(
                "hash")
            #expect(page.contains(hash))
            #expect(!page.contains("<script"))
            // The dry run's report names its plan and hash.
            let totals: String = try b.queryFirst(
                """
                SELECT (r.totals->'plan')::text AS t FROM reconciler.run r JOIN reconciler.plan p ON p.run_id = r.id
                WHERE p.id = $1
                """, [planId])!.decode("t")
            #expect(totals == #"{"id": \#(planId), "hash": "\#(hash)"}"#, "\(totals)")

            let approve = try Self.cli(["plan", "approve", "\(planId)", "--by", "kim", "--note", "checked"], env)
            #expect(approve.status == 0 && approve.out.contains("approved by kim"), "\(approve.out)\(approve.err)")
            let twice = try Self.cli(["plan", "approve", "\(planId)", "--by", "lee", "--note", "again"], env)
            #expect(twice.status == 1 && twice.err.contains("approved already by kim"), "\(twice.err)")
            let noNote = try Self.cli(["plan", "approve", "\(planId)", "--by", "lee"], env)
            #expect(noNote.status == 64, "\(noNote.err)")

            let apply = try Self.cli(["plan", "apply", "\(planId)"], env)
            #expect(apply.status == 0, "\(apply.err)")
            #expect(apply.out.contains("plan \(planId) applied"), "\(apply.out)")
            #expect(apply.out.contains("changed since     0 repair(s)"), "\(apply.out)")
            #expect(try Self.planState(planId, b) == "applied")

            let a = try reference.connect()
            defer { a.close() }
            let expected = try LedgerEndState.read(a)
            let actual = try LedgerEndState.read(b)
            #expect(actual == expected, "differences: \(actual.differences(from: expected))")
            #expect(try RunCrashTests.fixCount(b) == RunCrashTests.fixCount(a))

            let again = try Self.cli(["plan", "apply", "\(planId)"], env)
            #expect(again.status == 1 && again.err.contains("applied already"), "\(again.err)")
            #expect(try LedgerEndState.read(b) == expected)

            let unknown = try Self.cli(["plan", "apply", "999"], env)
            #expect(unknown.status == 1 && unknown.err.contains("plan list"), "\(unknown.err)")
        }
    }

    @Test func aPaymentRefundedAfterApprovalIsSkippedAndListedAndOldPlansAreRefused() async throws {
        try await TestDatabase.withFresh(schema: .app) { database in
            let end = Date().addingTimeInterval(-3600)
            let (simulator, expectedWorld) = try await ReconciliationWorldTests.world(
                payments: 300, seed: 47, database: database, end: .init(end), extra: ["--lost-grant-rate", "0.3"])
            defer { simulator.stop() }
            _ = expectedWorld
            let config = try RunCommandTests.configFile()
            defer { try? FileManager.default.removeItem(at: config) }
            let env = RunCommandTests.environment(simulator, database, configFile: config)
            let b = try database.connect()
            defer { b.close() }

            // An older plan, superseded by the next dry run; then one that expires.
            #expect(try Self.cli(["run", "--dry-run"], env).status == 0)
            let first = try #require(try Self.planIds(b).last)
            #expect(try Self.cli(["run", "--dry-run"], env).status == 0)
            let planId = try #require(try Self.planIds(b).last)
            #expect(planId > first)
            #expect(try Self.planState(first, b) == "superseded")
            let superseded = try Self.cli(["plan", "approve", "\(first)", "--by", "kim", "--note", "ok"], env)
            #expect(superseded.status == 1 && superseded.err.contains("superseded by a newer plan (\(planId))"))

            #expect(try Self.cli(["plan", "approve", "\(planId)", "--by", "kim", "--note", "ok"], env).status == 0)

            // A planned grant whose payment is then cancelled in full: the fresh decision (a grant
            // and its deduction) is not the planned one.
            let grants = try b.query(
                """
                SELECT payment_id FROM reconciler.plan_repair WHERE plan_id = $1 AND kind = 'MISSED_GRANT'
                ORDER BY payment_id
                """, [planId]
            ).map { try $0.decode("payment_id", as: String.self) }
            try #require(grants.count >= 3, "the plan needs a few grants, it has \(grants.count)")
            var refunded: String?
            for id in grants {
                var payment = try await simulator.control(.get, "/payments/\(id)")
                guard payment["status"] as? String == "PAID", var amount = payment["amount"] as? [String: Any],
                    let total = amount["total"] as? Int
                else { continue }
                let at = RFC3339.format(RFC3339.Timestamp(Date().addingTimeInterval(-1800)))
                payment["status"] = "CANCELLED"
                payment["cancellations"] = [
                    [
                        "status": "SUCCEEDED", "id": "plan-test-\(id)", "pgCancellationId": "Cplan",
                        "totalAmount": total,
                        "taxFreeAmount": 0, "vatAmount": 0, "reason": "고객 요청", "cancelledAt": at, "requestedAt": at,
                        "trigger": "CONSOLE",
                    ] as [String: Any]
                ]
                payment["cancelledAt"] = at
                payment["statusChangedAt"] = at
                amount["cancelled"] = total
                payment["amount"] = amount
                try await simulator.control(.post, "/_simulator/payments", ["payments": [payment]])
                refunded = id
                break
            }
            let changed = try #require(refunded, "no planned grant of a PAID payment to refund")
            let planned: Int64 = try b.queryFirst(
                "SELECT repairs::bigint AS n FROM reconciler.plan WHERE id = $1", [planId])!
                .decode("n")

            let apply = try Self.cli(["plan", "apply", "\(planId)"], env)
            #expect(apply.status == 0, "\(apply.err)")
            #expect(apply.out.contains("changed since     1 repair(s)"), "\(apply.out)")
            #expect(apply.out.contains("MISSED_GRANT \(changed)"), "\(apply.out)")
            #expect(try RunCrashTests.fixCount(b, paymentId: changed) == 0)
            #expect(try RunCrashTests.fixCount(b) == Int(planned) - 1)
            let outcome: String = try b.queryFirst(
                "SELECT outcome FROM reconciler.plan_repair WHERE plan_id = $1 AND payment_id = $2", [planId, changed])!
                .decode("outcome")
            #expect(outcome == "changed")
            let md = try Self.cli(["plan", "show", "\(planId)", "--format", "json"], env)
            #expect(md.status == 0 && md.out.contains(#""outcome":"changed""#), "\(md.err)")
            // A broken configuration file does not hide the plan, and is named with its problem.
            let broken = FileManager.default.temporaryDirectory.appendingPathComponent(
                "broken-\(UUID().uuidString).json")
            try Data("{\"reports\": {\"locale\": \"fr\"}".utf8).write(to: broken)
            defer { try? FileManager.default.removeItem(at: broken) }
            var brokenEnv = env
            brokenEnv["RECONCILER_CONFIG"] = broken.path
            let shown = try Self.cli(["plan", "show", "\(planId)", "--format", "md"], brokenEnv)
            #expect(shown.status == 0 && shown.out.contains("보정 계획"), "\(shown.err)")
            #expect(shown.err.contains(broken.path) && shown.err.contains("showing the plan in Korean"), "\(shown.err)")

            // A plan past approval.planTtl is refused, and marked expired.
            #expect(try Self.cli(["run", "--dry-run"], env).status == 0)
            let stale = try #require(try Self.planIds(b).last)
            try b.execute(
                """
                UPDATE reconciler.plan SET created_at = created_at - interval '2 days',
                       expires_at = expires_at - interval '2 days' WHERE id = $1
                """, [stale])
            let expired = try Self.cli(["plan", "approve", "\(stale)", "--by", "kim", "--note", "late"], env)
            #expect(expired.status == 1 && expired.err.contains("expired"), "\(expired.err)")
            #expect(try Self.planState(stale, b) == "expired")
            let applyExpired = try Self.cli(["plan", "apply", "\(stale)"], env)
            #expect(applyExpired.status == 1 && applyExpired.err.contains("run --dry-run"), "\(applyExpired.err)")
            #expect(try Self.cli(["plan", "apply"], env).status == 64)
            #expect(try Self.cli(["plan", "frobnicate"], env).status == 64)
        }
    }

    @Test func aKilledApplyIsFinishedByTheNextLosingAndDoublingNothing() async throws {
        try await ChaosWorld.withReferenceAndCopy(payments: 2500, seed: 53) { world, config, reference, crashed in
            try RunCommandTests.runUninterrupted(
                RunCommandTests.environment(world.simulator, reference, configFile: config))
            let a = try reference.connect()
            defer { a.close() }
            let repairs = try RunCrashTests.fixCount(a)
            try #require(repairs >= 1000, "the world must need at least 1,000 repairs, it needed \(repairs)")

            let env = RunCommandTests.environment(world.simulator, crashed, configFile: config)
            let b = try crashed.connect(configuration: ConnectionConfiguration(applicationName: "plan-crash-watcher"))
            defer { b.close() }
            #expect(try Self.cli(["run", "--dry-run"], env).status == 0)
            let planId = try #require(try Self.planIds(b).last)
            #expect(try Self.cli(["plan", "approve", "\(planId)", "--by", "kim", "--note", "ok"], env).status == 0)

            try await world.simulator.setFaults(["latencyMs": 150])
            let running = try ProductProcess.start(
                "credit-reconciler", ["plan", "apply", "\(planId)"], environment: env)
            let pid = running.pid
            let goal = repairs / 2
            let acted = try await ProgressWatch.act(
                "\(goal) repairs of the plan are committed", watching: pid, database: crashed.url,
                when: { try RunCrashTests.fixCount($0) >= goal }, then: { _ in Glibc.kill(pid, SIGKILL) })
            #expect(acted != nil, "the apply ended before the kill")
            _ = try await RunCrashTests.kill(running, on: b)
            try await world.simulator.setFaults([:])
            #expect(try Self.planState(planId, b) == "applying")
            let partial = try RunCrashTests.fixCount(b)
            #expect(partial >= goal && partial < repairs)

            let again = try Self.cli(["plan", "apply", "\(planId)"], env)
            #expect(again.status == 0, "\(again.err)")
            #expect(again.out.contains("applied           \(repairs) of \(repairs) repair(s)"), "\(again.out)")
            #expect(try Self.planState(planId, b) == "applied")
            let expected = try LedgerEndState.read(a)
            let actual = try LedgerEndState.read(b)
            #expect(actual.paymentsGrantedTwice.isEmpty)
            #expect(actual == expected, "differences: \(actual.differences(from: expected))")
            #expect(try RunCrashTests.fixCount(b) == repairs)
            let unsettled: Int64 = try b.queryFirst(
                "SELECT count(*) AS n FROM reconciler.plan_repair WHERE plan_id = $1 AND outcome IS DISTINCT FROM 'applied'",
                [planId])!.decode("n")
            #expect(unsettled == 0)
        }
    }

    @Test func aDatabaseWithoutThePlanTablesSaysToMigrate() throws {
        try TestDatabase.withFresh(schema: .app) { database in
            let admin = try database.connect()
            defer { admin.close() }
            _ = try Migrator(connection: admin, migrations: Migration.embedded.filter { $0.version < 8 }).migrate()
            let config = try RunCommandTests.configFile()
            defer { try? FileManager.default.removeItem(at: config) }
            let env = [
                "PORTONE_API_SECRET": "sk-never-printed", "PORTONE_STORE_ID": "store-1",
                "PORTONE_API_BASE_URL": "http://127.0.0.1:1", "DATABASE_URL": database.url.conninfoIncludingPassword,
                "RECONCILER_CONFIG": config.path,
            ]
            for arguments in [["plan", "list"], ["plan", "show", "latest"], ["plan", "apply", "1"]] {
                let outcome = try Self.cli(arguments, env)
                #expect(outcome.status == 78, "\(arguments): \(outcome.err)")
                #expect(outcome.err.contains("credit-reconciler migrate"), "\(arguments): \(outcome.err)")
            }
        }
    }
}
