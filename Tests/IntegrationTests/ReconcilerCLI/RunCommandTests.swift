import Foundation
import LedgerStore
import Postgres
import TestSupport
import Testing

/// `credit-reconciler run` as systemd and operators start it: the built binary, configured by
/// the environment and a configuration file, against the simulator and a real database.
@Suite struct RunCommandTests {
    typealias World = ReconciliationWorldTests

    static let configuration = """
        {"catalog": [
          {"id": "starter", "name": "스타터", "price": 10000, "currency": "KRW", "credits": 100},
          {"id": "basic", "name": "베이직", "price": 30000, "currency": "KRW", "credits": 330},
          {"id": "pro", "name": "프로", "price": 50000, "currency": "KRW", "credits": 600},
          {"id": "business", "name": "비즈니스", "price": 100000, "currency": "KRW", "credits": 1300}
        ], "policy": {"initialLookback": "40d", "maxFixesPerRun": 100000}, "follow": {"enabled": false}}
        """

    static func environment(
        _ simulator: SimulatorProcess, _ database: TestDatabase, configFile: URL
    ) -> [String: String] {
        [
            "PORTONE_API_SECRET": simulator.secret, "PORTONE_STORE_ID": SimulatorProcess.storeId,
            "PORTONE_API_BASE_URL": simulator.baseURL, "DATABASE_URL": database.url.conninfoIncludingPassword,
            "RECONCILER_CONFIG": configFile.path,
        ]
    }

    /// Runs `credit-reconciler run` with `environment` to completion: the reference run the
    /// interrupted ones are compared with. The test stops unless it exits 0 (`context` says
    /// which run, e.g. a seed to replay).
    static func runUninterrupted(_ environment: [String: String], context: String = "stderr") throws {
        let run = try ProductProcess.run("credit-reconciler", ["run"], environment: environment)
        try #require(run.status == 0, "\(context): \(run.standardError)")
    }

    static func configFile(_ text: String = configuration) throws -> URL {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("config-\(UUID().uuidString).json")
        try Data(text.utf8).write(to: file)
        return file
    }

    @Test func runsRepairsAndExitsZeroThenSeventyFiveWhileLocked() async throws {
        try await TestDatabase.withFresh(schema: .app) { database in
            let end = Date().addingTimeInterval(-3600)
            let (simulator, _) = try await World.world(
                payments: 400, seed: 31, database: database, end: .init(end))
            defer { simulator.stop() }
            let config = try Self.configFile()
            defer { try? FileManager.default.removeItem(at: config) }
            let environment = Self.environment(simulator, database, configFile: config)

            let first = try ProductProcess.run(
                "credit-reconciler", ["run", "--trigger", "timer"], environment: environment)
            #expect(first.status == 0, "stderr: \(first.standardError)")
            #expect(first.standardOutput.contains("succeeded"))
            #expect(first.standardOutput.contains("repairs applied"))
            for output in [first.standardOutput, first.standardError] {
                #expect(!output.contains(simulator.secret))
            }

            let holder = try database.connect()
            defer { holder.close() }
            _ = try RunRecorder(connection: holder).begin(
                RunStart(trigger: .manual, mode: .apply, windowFrom: nil, windowUntil: nil, version: "test"))
            let locked = try ProductProcess.run("credit-reconciler", ["run"], environment: environment)
            #expect(locked.status == 75, "stderr: \(locked.standardError)")
            #expect(locked.standardError.contains("credit-reconciler-tests") || locked.standardError.contains("pid"))
        }
    }

    @Test(arguments: [
        (#"{"catalog": []}"#, "catalog must be a non-empty array"),
        (
            #"{"catalog": [{"id": "a", "name": "A", "price": 1, "currency": "KRW", "credits": 1}], "polcy": {}}"#,
            "polcy"
        ),
    ])
    func aBadConfigurationExitsSeventyEightNamingTheField(text: String, fragment: String) throws {
        let config = try Self.configFile(text)
        defer { try? FileManager.default.removeItem(at: config) }
        let outcome = try ProductProcess.run(
            "credit-reconciler", ["run"],
            environment: [
                "PORTONE_API_SECRET": "sk-never-printed", "PORTONE_STORE_ID": "store-1",
                "DATABASE_URL": "postgresql://x:pw-never-printed@127.0.0.1:1/db", "RECONCILER_CONFIG": config.path,
            ])
        #expect(outcome.status == 78)
        #expect(outcome.standardError.contains(fragment), "stderr: \(outcome.standardError)")
        #expect(!outcome.standardError.contains("never-printed"))
    }

    @Test func plainHTTPToARemoteHostIsRefused() throws {
        let config = try Self.configFile()
        defer { try? FileManager.default.removeItem(at: config) }
        let outcome = try ProductProcess.run(
            "credit-reconciler", ["run"],
            environment: [
                "PORTONE_API_SECRET": "sk-never-printed", "PORTONE_STORE_ID": "store-1",
                "PORTONE_API_BASE_URL": "http://api.portone.io", "DATABASE_URL": "postgresql://x@127.0.0.1:1/db",
                "RECONCILER_CONFIG": config.path,
            ])
        #expect(outcome.status == 78)
        #expect(outcome.standardError.contains("PORTONE_API_BASE_URL"), "stderr: \(outcome.standardError)")
    }
}
