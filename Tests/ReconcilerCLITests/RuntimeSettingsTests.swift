import Foundation
import ReconcilerCore
import Testing

@testable import ReconcilerCLI

@Suite struct RuntimeSettingsTests {
    struct Missing: Error {}

    static let config =
        #"{"catalog": [{"id": "starter", "name": "스타터", "price": 10000, "currency": "KRW", "credits": 100}]}"#
    static let files: [String: String] = [
        "/etc/credit-reconciler/config.json": config,
        "/srv/alt.json": config,
        "/srv/broken.json": #"{"catalog": [], "polcy": {}}"#,
        "/srv/garbage.json": "not json",
        "/run/creds/PORTONE_API_SECRET": "secret-from-credential\n",
        "/run/creds/SMTP_URL": "smtps://reports:mail-pw@mail.example.com:465\n",
        "/etc/credit-reconciler/smtp-url": "smtp://mail.example.com:587\n",
    ]

    static func load(_ environment: [String: String]) throws(ConfigurationError) -> RuntimeSettings {
        try RuntimeSettings.load(environment: environment) { path in
            guard let text = files[path] else { throw Missing() }
            return Data(text.utf8)
        }
    }

    static let complete = [
        "PORTONE_API_SECRET": "sk-live-abc", "PORTONE_STORE_ID": "store-1", "DATABASE_URL": "postgresql://db/app",
    ]

    @Test func defaultsAndEnvironment() throws {
        let settings = try Self.load(Self.complete)
        #expect(settings.configurationPath == "/etc/credit-reconciler/config.json")
        #expect(settings.apiBaseURL == "https://api.portone.io")
        #expect(settings.apiSecret == "sk-live-abc")
        #expect(settings.configuration.catalog.first?.credits == 100)
    }

    @Test func secretFromASystemdCredentialAndAnotherConfigFile() throws {
        var environment = Self.complete
        environment["PORTONE_API_SECRET"] = nil
        environment["CREDENTIALS_DIRECTORY"] = "/run/creds"
        environment["RECONCILER_CONFIG"] = "/srv/alt.json"
        environment["PORTONE_API_BASE_URL"] = "http://127.0.0.1:9999"
        let settings = try Self.load(environment)
        #expect(settings.apiSecret == "secret-from-credential")
        #expect(settings.configurationPath == "/srv/alt.json")
        #expect(settings.apiBaseURL == "http://127.0.0.1:9999")
    }

    @Test func smtpURLIsOptionalAndASecretLikeTheOthers() throws {
        #expect(try Self.load(Self.complete).smtpURL == nil)
        var environment = Self.complete
        environment["CREDENTIALS_DIRECTORY"] = "/run/creds"
        environment["SMTP_CA_FILE"] = "/etc/ssl/private-ca.pem"
        let fromCredential = try Self.load(environment)
        #expect(fromCredential.smtpURL == "smtps://reports:mail-pw@mail.example.com:465")
        #expect(fromCredential.smtpCAFile == "/etc/ssl/private-ca.pem")
        var fromFile = Self.complete
        fromFile["SMTP_URL_FILE"] = "/etc/credit-reconciler/smtp-url"
        #expect(try Self.load(fromFile).smtpURL == "smtp://mail.example.com:587")
    }

    static let broken: [([String: String], [String])] = [
        ([:], ["PORTONE_API_SECRET is not set", "PORTONE_STORE_ID is not set", "DATABASE_URL is not set"]),
        (["RECONCILER_CONFIG": "/srv/none.json"], ["/srv/none.json cannot be read", "RECONCILER_CONFIG"]),
        (["RECONCILER_CONFIG": "/srv/broken.json"], ["/srv/broken.json: catalog must be a non-empty array", "polcy"]),
        (["RECONCILER_CONFIG": "/srv/garbage.json"], ["/srv/garbage.json: the file is not valid JSON"]),
        (["PORTONE_API_SECRET_FILE": "/nope"], ["both PORTONE_API_SECRET and PORTONE_API_SECRET_FILE"]),
        (["PORTONE_API_BASE_URL": ""], ["PORTONE_API_BASE_URL is set but empty"]),
        (["SMTP_URL": "", "PORTONE_API_SECRET": "x"], ["SMTP_URL is set but empty"]),
        (["SMTP_URL": "smtp://a", "SMTP_URL_FILE": "/x"], ["both SMTP_URL and SMTP_URL_FILE"]),
    ]

    @Test(arguments: broken)
    func everyProblemIsNamedAtOnce(change: [String: String], fragments: [String]) {
        let environment = change.isEmpty ? [:] : Self.complete.merging(change) { $1 }
        do {
            _ = try Self.load(environment)
            Issue.record("expected a configuration error")
        } catch {
            for fragment in fragments {
                #expect(error.description.contains(fragment), "message was: \(error.description)")
            }
            #expect(!error.description.contains("sk-live-abc"))
        }
    }
}
