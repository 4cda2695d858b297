import Foundation
import Postgres
import TestSupport
import Testing

/// `credit-reconciler check-config` through the built binary: a verdict line per check and the
/// exit status operators script against (0 all pass, 78 configuration, 69 unreachable).
@Suite struct CheckConfigCommandTests {
    static let goodConfiguration = RunCommandTests.configuration

    static func simulator() async throws -> SimulatorProcess {
        try await SimulatorProcess.start(secret: "check-secret-\(UUID().uuidString)", arguments: ["--generate", "5"])
    }

    static func checkConfig(_ environment: [String: String]) throws -> ProductProcess.Outcome {
        try ProductProcess.run("credit-reconciler", ["check-config"], environment: environment)
    }

    static func environment(
        _ simulator: SimulatorProcess, databaseURL: String, config: URL
    ) -> [String: String] {
        [
            "PORTONE_API_SECRET": simulator.secret, "PORTONE_STORE_ID": SimulatorProcess.storeId,
            "PORTONE_API_BASE_URL": simulator.baseURL, "DATABASE_URL": databaseURL, "RECONCILER_CONFIG": config.path,
        ]
    }

    @Test func aGoodSetupPassesEveryCheck() async throws {
        let simulator = try await Self.simulator()
        defer { simulator.stop() }
        let config = try RunCommandTests.configFile()
        defer { try? FileManager.default.removeItem(at: config) }
        try TestDatabase.withFresh(schema: .migrated) { database in
            let outcome = try Self.checkConfig(
                Self.environment(simulator, databaseURL: database.url.conninfoIncludingPassword, config: config))
            #expect(outcome.status == 0, "\(outcome.standardOutput)\(outcome.standardError)")
            for check in ["configuration", "environment", "PostgreSQL", "migrations", "privileges", "PortOne"] {
                #expect(outcome.standardOutput.contains("✔ \(check)"), "\(check): \(outcome.standardOutput)")
            }
            #expect(!outcome.standardOutput.contains("✘"))
            #expect(outcome.standardOutput.contains("all 6 checks passed"))
            #expect(!(outcome.standardOutput + outcome.standardError).contains(simulator.secret))
        }
    }

    /// Each kind of bad configuration: (config file text or nil for a missing file, environment
    /// changes, what the ✘ line must say).
    static let badSetups: [(String?, [String: String?], String)] = [
        (#"{"catalog": []}"#, [:], "catalog must be a non-empty array"),
        (
            #"{"catalog": [{"id": "a", "name": "A", "price": 1, "currency": "KRW", "credits": 1}], "schedule": {"at": "3am"}}"#,
            [:], "schedule.at must be a time of day"
        ),
        (
            #"{"catalog": [{"id": "a", "name": "A", "price": 1, "currency": "KRW", "credits": 1}], "polcy": {}}"#, [:],
            "polcy"
        ),
        ("{not json", [:], "not valid JSON"),
        (nil, [:], "cannot be read"),
        (goodConfiguration, ["PORTONE_STORE_ID": nil], "PORTONE_STORE_ID is not set"),
        (goodConfiguration, ["PORTONE_API_SECRET_FILE": "/nonexistent/secret"], "both PORTONE_API_SECRET and"),
        (goodConfiguration, ["PORTONE_API_BASE_URL": "http://api.portone.io"], "PORTONE_API_BASE_URL"),
        (goodConfiguration, ["DATABASE_URL": "postgresql://[broken"], "✘ PostgreSQL"),
    ]

    @Test(arguments: badSetups)
    func eachBadConfigurationIsNamedAndExitsSeventyEight(text: String?, changes: [String: String?], fragment: String)
        async throws
    {
        let simulator = try await Self.simulator()
        defer { simulator.stop() }
        let config =
            try text.map { try RunCommandTests.configFile($0) }
            ?? URL(fileURLWithPath: "/nonexistent/credit-reconciler/config.json")
        defer { try? FileManager.default.removeItem(at: config) }
        try TestDatabase.withFresh(schema: .migrated) { database in
            var environment = Self.environment(
                simulator, databaseURL: database.url.conninfoIncludingPassword, config: config)
            for (name, value) in changes { environment[name] = value }
            let outcome = try Self.checkConfig(environment)
            #expect(outcome.status == 78, "\(outcome.standardOutput)\(outcome.standardError)")
            #expect(outcome.standardOutput.contains(fragment), "\(outcome.standardOutput)")
            #expect(outcome.standardOutput.contains("✘"))
            #expect(!(outcome.standardOutput + outcome.standardError).contains(simulator.secret))
        }
    }

    @Test func anUnreachableDatabaseExitsSixtyNine() async throws {
        let simulator = try await Self.simulator()
        defer { simulator.stop() }
        let config = try RunCommandTests.configFile()
        defer { try? FileManager.default.removeItem(at: config) }
        let outcome = try Self.checkConfig(
            Self.environment(
                simulator, databaseURL: "postgresql://reconciler:pw-never-printed@127.0.0.1:1/app", config: config))
        #expect(outcome.status == 69, "\(outcome.standardOutput)\(outcome.standardError)")
        #expect(outcome.standardOutput.contains("✘ PostgreSQL     cannot reach the server"))
        #expect(outcome.standardOutput.contains("✔ PortOne"))
        #expect(!outcome.standardOutput.contains("pw-never-printed"))
    }

    @Test func anUnreachablePortOneExitsSixtyNine() async throws {
        let simulator = try await Self.simulator()
        let config = try RunCommandTests.configFile()
        defer { try? FileManager.default.removeItem(at: config) }
        try TestDatabase.withFresh(schema: .migrated) { database in
            let environment = Self.environment(
                simulator, databaseURL: database.url.conninfoIncludingPassword, config: config)
            simulator.stop()
            let outcome = try Self.checkConfig(environment)
            #expect(outcome.status == 69, "\(outcome.standardOutput)\(outcome.standardError)")
            #expect(outcome.standardOutput.contains("✘ PortOne        PortOne is unavailable"))
        }
    }

    @Test(arguments: [
        ("a-wrong-secret", SimulatorProcess.storeId, "PortOne rejected the API secret (401 UNAUTHORIZED"),
        (nil, "store-00000000-0000-4000-8000-000000000999", "PortOne refused access to store"),
    ])
    func aWrongSecretOrStoreExitsSeventyEightSayingWhich(secret: String?, storeId: String, fragment: String)
        async throws
    {
        let simulator = try await Self.simulator()
        defer { simulator.stop() }
        let config = try RunCommandTests.configFile()
        defer { try? FileManager.default.removeItem(at: config) }
        try TestDatabase.withFresh(schema: .migrated) { database in
            var environment = Self.environment(
                simulator, databaseURL: database.url.conninfoIncludingPassword, config: config)
            environment["PORTONE_API_SECRET"] = secret ?? simulator.secret
            environment["PORTONE_STORE_ID"] = storeId
            let outcome = try Self.checkConfig(environment)
            #expect(outcome.status == 78, "\(outcome.standardOutput)\(outcome.standardError)")
            #expect(outcome.standardOutput.contains("✘ PortOne        \(fragment)"), "\(outcome.standardOutput)")
            #expect(outcome.standardOutput.contains("✔ PostgreSQL"))
            #expect(!(outcome.standardOutput + outcome.standardError).contains("a-wrong-secret"))
        }
    }

    @Test func pendingMigrationsAreNamed() async throws {
        let simulator = try await Self.simulator()
        defer { simulator.stop() }
        let config = try RunCommandTests.configFile()
        defer { try? FileManager.default.removeItem(at: config) }
        try TestDatabase.withFresh(schema: .app) { database in
            let outcome = try Self.checkConfig(
                Self.environment(simulator, databaseURL: database.url.conninfoIncludingPassword, config: config))
            #expect(outcome.status == 78, "\(outcome.standardOutput)\(outcome.standardError)")
            #expect(outcome.standardOutput.contains("✘ migrations"))
            #expect(outcome.standardOutput.contains("pending"))
            #expect(outcome.standardOutput.contains("credit-reconciler migrate"))
        }
    }

    @Test(
        arguments: [
            (nil, ""),
            (#"REVOKE UPDATE (balance) ON "Credit" FROM %@"#, #"UPDATE (balance) on "Credit""#),
            (#"REVOKE INSERT ON "CreditTransaction" FROM %@"#, #"INSERT on "CreditTransaction""#),
            (#"REVOKE SELECT ON "User" FROM %@"#, #"SELECT on "User""#),
            ("REVOKE USAGE, CREATE ON SCHEMA reconciler FROM %@", "USAGE on schema reconciler"),
        ] as [(String?, String)])
    func theLeastPrivilegeRoleHasWhatARunNeedsAndAMissingGrantIsNamed(revoke: String?, missing: String)
        async throws
    {
        let simulator = try await Self.simulator()
        defer { simulator.stop() }
        let config = try RunCommandTests.configFile()
        defer { try? FileManager.default.removeItem(at: config) }
        let role: TestRole = try TestDatabase.withFresh(schema: .migrated) { database in
            let role = try TestRole.create(in: database)
            if let revoke {
                let admin = try database.connect()
                defer { admin.close() }
                try admin.execute(revoke.replacingOccurrences(of: "%@", with: Connection.quoteIdentifier(role.name)))
            }
            let outcome = try Self.checkConfig(
                Self.environment(simulator, databaseURL: role.url.conninfoIncludingPassword, config: config))
            if revoke == nil {
                #expect(outcome.status == 0, "\(outcome.standardOutput)\(outcome.standardError)")
                #expect(outcome.standardOutput.contains("✔ privileges"))
            } else {
                #expect(outcome.status == 78, "\(outcome.standardOutput)\(outcome.standardError)")
                #expect(outcome.standardOutput.contains("✘ privileges"))
                #expect(outcome.standardOutput.contains(missing), "\(outcome.standardOutput)")
            }
            return role
        }
        role.drop()
    }
}
