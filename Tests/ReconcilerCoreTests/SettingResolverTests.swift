import ReconcilerCore
import Testing

@Suite struct SettingResolverTests {
    struct Missing: Error {}

    static let files: [String: String] = [
        "/run/secrets/url": "postgresql://app:pw@db/app\n",
        "/run/secrets/empty": "\n",
        "/creds/DATABASE_URL": "postgresql://cred@db/app\r\n",
        "/creds/EMPTY": "",
    ]

    static func resolver(_ environment: [String: String]) -> SettingResolver {
        SettingResolver(environment: environment) { path in
            guard let contents = files[path] else { throw Missing() }
            return contents
        }
    }

    static let resolved: [([String: String], String?)] = [
        ([:], nil),
        (["DATABASE_URL": "postgresql://x"], "postgresql://x"),
        (["DATABASE_URL_FILE": "/run/secrets/url"], "postgresql://app:pw@db/app"),
        (["CREDENTIALS_DIRECTORY": "/creds"], "postgresql://cred@db/app"),
        (["CREDENTIALS_DIRECTORY": "/creds/"], "postgresql://cred@db/app"),
        (["CREDENTIALS_DIRECTORY": "/elsewhere"], nil),
        (["DATABASE_URL": "postgresql://x", "CREDENTIALS_DIRECTORY": "/creds"], "postgresql://x"),
        (["DATABASE_URL_FILE": "/run/secrets/url", "CREDENTIALS_DIRECTORY": "/creds"], "postgresql://app:pw@db/app"),
    ]

    @Test(arguments: resolved)
    func resolves(environment: [String: String], expected: String?) throws {
        #expect(try Self.resolver(environment).value(of: "DATABASE_URL") == expected)
    }

    static let refused: [([String: String], String)] = [
        (["DATABASE_URL": "a", "DATABASE_URL_FILE": "/run/secrets/url"], "both DATABASE_URL and DATABASE_URL_FILE"),
        (["DATABASE_URL": ""], "DATABASE_URL is set but empty"),
        (["DATABASE_URL_FILE": "/nope"], "DATABASE_URL_FILE (/nope) cannot be read"),
        (["DATABASE_URL_FILE": "/run/secrets/empty"], "is empty"),
    ]

    @Test(arguments: refused)
    func refuses(environment: [String: String], fragment: String) {
        do {
            _ = try Self.resolver(environment).value(of: "DATABASE_URL")
            Issue.record("expected a configuration error")
        } catch {
            #expect(error.description.contains(fragment), "message was: \(error.description)")
            #expect(!error.description.contains("pw@"), "a secret leaked into: \(error.description)")
        }
    }

    @Test func emptyCredentialIsAnError() {
        #expect(throws: ConfigurationError.self) {
            try Self.resolver(["CREDENTIALS_DIRECTORY": "/creds"]).value(of: "EMPTY")
        }
    }

    @Test func requiredNamesEveryWayToSetIt() {
        do {
            _ = try Self.resolver([:]).required("PORTONE_API_SECRET", purpose: "the PortOne V2 API secret")
            Issue.record("expected a configuration error")
        } catch {
            #expect(error.description.contains("PORTONE_API_SECRET is not set"))
            #expect(error.description.contains("PORTONE_API_SECRET_FILE"))
            #expect(error.description.contains("systemd credential"))
        }
    }
}
