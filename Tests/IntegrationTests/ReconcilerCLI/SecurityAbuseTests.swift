import Foundation
import LedgerStore
import Postgres
import ReconcilerCore
import TestSupport
import Testing

/// Abuse of the built binary: SQL injection through payment ids, customData and command line
/// arguments must leave the ledger intact and be recorded verbatim; the PortOne secret must not
/// appear in anything the binary prints or writes, whatever goes wrong; reports are not
/// world-readable.
@Suite(.serialized) struct SecurityAbuseTests {
    typealias World = ReconciliationWorldTests

    static let injections = [
        #"x'); DROP TABLE "CreditTransaction";--"#,
        #"1' OR '1'='1"#,
        #"pay-$1; DELETE FROM "Credit"; --"#,
        "pay-\u{0}nul",
        #"pay-\"; TRUNCATE reconciler.run CASCADE; --"#,
    ]

    static func configFile(reports: URL) throws -> URL {
        try RunCommandTests.configFile(
            RunCommandTests.configuration.replacingOccurrences(
                of: #""maxFixesPerRun": 100000}"#,
                with:
                    #""maxFixesPerRun": 100000}, "reports": {"directory": "\#(reports.path)", "formats": ["json", "csv", "md", "html"]}"#
            ))
    }

    static func counts(_ connection: Connection) throws -> [Int64] {
        try ["\"CreditTransaction\"", "\"Credit\"", "\"User\"", "reconciler.run"].map {
            try connection.queryFirst("SELECT count(*) AS n FROM \($0)")!.decode("n", as: Int64.self)
        }
    }

    @Test func injectionsThroughPaymentsAndArgumentsLeaveTheLedgerIntact() async throws {
        try await TestDatabase.withFresh(schema: .app) { database in
            let (simulator, expected) = try await World.world(
                payments: 300, seed: 61, database: database, end: .init(Date().addingTimeInterval(-3600)))
            defer { simulator.stop() }
            let reports = FileManager.default.temporaryDirectory.appendingPathComponent("reports-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: reports) }
            let config = try Self.configFile(reports: reports)
            defer { try? FileManager.default.removeItem(at: config) }
            let environment = RunCommandTests.environment(simulator, database, configFile: config)

            // Hostile copies of a paid payment whose grant is missing: the id and customData carry SQL.
            let lost = try #require(expected.mistakes.first { $0.kind == "MISSED_GRANT" }?.paymentId)
            let original = try await simulator.control(.get, "/payments/\(lost)")
            let hostile: [[String: Any]] = Self.injections.enumerated().map { index, injection in
                var payment = original
                payment["id"] = injection
                payment["transactionId"] = "tx-hostile-\(index)"
                let userId = String(
                    decoding: try! JSONSerialization.data(withJSONObject: [injection], options: .fragmentsAllowed),
                    as: UTF8.self
                ).dropFirst().dropLast()
                payment["customData"] = #"{"userId":\#(userId),"packageId":"basic'; DROP TABLE \"User\";--"}"#
                return payment
            }
            try await simulator.control(.post, "/_simulator/payments", ["payments": hostile])

            let connection = try database.connect()
            defer { connection.close() }
            let run = try ProductProcess.run("credit-reconciler", ["run"], environment: environment)
            #expect(run.status == 0, "stderr: \(run.standardError)")
            let before = try Self.counts(connection)
            #expect(before[0] > 0 && before[1] > 0 && before[2] > 0)
            // Each hostile payment is kept verbatim in the discrepancies (its user does not exist).
            let recorded = Set(
                try connection.query("SELECT payment_id FROM reconciler.discrepancy WHERE payment_id IS NOT NULL")
                    .map { try $0.decode("payment_id", as: String.self) })
            for injection in Self.injections where !injection.contains("\u{0}") {
                #expect(recorded.contains(injection), "\(injection) not recorded verbatim")
            }
            let fingerprint = try ReconciliationSafetyTests.appTables(connection)

            // Hostile command line arguments: refused or harmless, never executed.
            let arguments: [[String]] = Self.injections.filter { !$0.contains("\u{0}") }.flatMap { injection in
                [
                    ["run", "--payment-id", injection], ["run", "--since", injection],
                    ["discrepancies", "list", "--kind", injection], ["discrepancies", "list", "--status", injection],
                    ["discrepancies", "resolve", injection, "--note", injection, "--by", injection],
                    ["report", "--run", injection, "--format", "json"],
                ]
            }
            for argv in arguments {
                let outcome = try ProductProcess.run("credit-reconciler", argv, environment: environment)
                #expect(
                    [0, 64, 65, 66, 78].contains(outcome.status), "\(argv): \(outcome.status) \(outcome.standardError)")
            }
            #expect(try ReconciliationSafetyTests.appTables(connection) == fingerprint)
            let after = try Self.counts(connection)
            #expect(after[0] == before[0] && after[1] == before[1] && after[2] == before[2])
            #expect(after[3] >= before[3])

            // Reports: readable by the owner and group only.
            let files = try FileManager.default.contentsOfDirectory(atPath: reports.path)
            #expect(!files.isEmpty)
            let folder = try FileManager.default.attributesOfItem(atPath: reports.path)
            #expect(((folder[.posixPermissions] as? NSNumber)?.intValue ?? 0o777) & 0o007 == 0)
            for file in files {
                let attributes = try FileManager.default.attributesOfItem(
                    atPath: reports.appendingPathComponent(file).path)
                let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue ?? 0o777
                #expect(mode & 0o007 == 0, "\(file) is world-accessible: \(String(mode, radix: 8))")
            }
        }
    }

    @Test func theSecretAppearsInNothingTheBinaryPrintsOrWritesWhateverGoesWrong() async throws {
        let canary = "sk-LEAK-CANARY-\(UUID().uuidString)"
        try await TestDatabase.withFresh(schema: .app) { database in
            let (simulator, _) = try await World.world(
                payments: 200, seed: 62, database: database, end: .init(Date().addingTimeInterval(-3600)))
            defer { simulator.stop() }
            let reports = FileManager.default.temporaryDirectory.appendingPathComponent("reports-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: reports) }
            let config = try Self.configFile(reports: reports)
            defer { try? FileManager.default.removeItem(at: config) }
            let good = RunCommandTests.environment(simulator, database, configFile: config)
            let badConfig = try RunCommandTests.configFile(#"{"catalog": [], "policy": {"maxFixesPerRun": -1}}"#)
            defer { try? FileManager.default.removeItem(at: badConfig) }

            var cases: [(String, [String], [String: String])] = []
            func with(_ changes: [String: String]) -> [String: String] { good.merging(changes) { $1 } }
            cases.append(("wrong secret", ["run"], with(["PORTONE_API_SECRET": canary])))
            cases.append(("wrong secret, dry run", ["run", "--dry-run"], with(["PORTONE_API_SECRET": canary])))
            cases.append(
                (
                    "unreachable API", ["run"],
                    with(["PORTONE_API_SECRET": canary, "PORTONE_API_BASE_URL": "http://127.0.0.1:1"])
                ))
            cases.append(
                (
                    "unreachable database", ["run"],
                    with([
                        "PORTONE_API_SECRET": canary,
                        "DATABASE_URL": "postgresql://u:\(canary)@127.0.0.1:1/none?connect_timeout=2",
                    ])
                ))
            cases.append(
                (
                    "bad configuration", ["run"],
                    with(["PORTONE_API_SECRET": canary, "RECONCILER_CONFIG": badConfig.path])
                ))
            cases.append(("check-config", ["check-config"], with(["PORTONE_API_SECRET": canary])))
            cases.append(("secret on the command line refused", ["run", "--secret", canary], with([:])))
            cases.append(
                (
                    "plain HTTP to a remote host", ["run"],
                    with(["PORTONE_API_SECRET": canary, "PORTONE_API_BASE_URL": "http://192.0.2.1"])
                ))

            var captured = ""
            for (name, argv, environment) in cases {
                let outcome = try ProductProcess.run("credit-reconciler", argv, environment: environment)
                #expect(outcome.status != 0, "\(name) must fail")
                let leaked =
                    argv.contains(canary) ? false : (outcome.standardOutput + outcome.standardError).contains(canary)
                #expect(!leaked, "\(name) printed the secret")
                captured += outcome.standardError
            }
            // A successful run with the simulator's own secret, faults on: nothing printed or written carries it.
            try await simulator.setFaults(["rateLimitEvery": 3, "retryAfterSeconds": 1, "serverErrorEvery": 5])
            let ok = try ProductProcess.run("credit-reconciler", ["run"], environment: good)
            try await simulator.setFaults([:])
            #expect(ok.status == 0, "stderr: \(ok.standardError)")
            #expect(!(ok.standardOutput + ok.standardError).contains(simulator.secret))
            for file in try FileManager.default.contentsOfDirectory(atPath: reports.path) {
                let text = try String(contentsOf: reports.appendingPathComponent(file), encoding: .utf8)
                #expect(!text.contains(simulator.secret), "\(file) carries the secret")
            }
            let connection = try database.connect()
            defer { connection.close() }
            let stored = try connection.queryFirst(
                """
                SELECT count(*) AS n FROM reconciler.run r
                WHERE r::text LIKE '%' || $1 || '%' OR r::text LIKE '%' || $2 || '%'
                """, [canary, simulator.secret])!.decode("n", as: Int64.self)
            #expect(stored == 0, "a run record carries the secret")
            #expect(!captured.isEmpty)
        }
    }
}
