import ReconcilerCore
import Testing

@testable import ReconcilerCLI

/// check-config's line about the report e-mail: silent when none is configured, a failure when
/// recipients are set without SMTP_URL or with a bad one, never the password.
@Suite struct CheckReportMailTests {
    static func settings(to: [String], smtpURL: String?) -> RuntimeSettings {
        var configuration = Configuration(catalog: [])
        configuration.reports.email.to = to
        return RuntimeSettings(
            configuration: configuration, configurationPath: "/c.json", apiSecret: "s", storeId: "store",
            databaseURL: "postgresql://db/app", apiBaseURL: "https://api.portone.io", smtpURL: smtpURL)
    }

    @Test(
        arguments: [
            ([], nil, nil),
            ([], "smtp://mail.example.com", "nothing is mailed"),
            (["finance@example.com"], nil, "SMTP_URL is not"),
            (["finance@example.com"], "smtps://u:pw-secret-1@mail.example.com", "through mail.example.com"),
            (["finance@example.com"], "http://u:pw-secret-1@mail.example.com", "smtps://"),
        ] as [([String], String?, String?)])
    func saysWhatTheMailWillDo(to: [String], smtpURL: String?, says: String?) {
        let verdict = CheckConfigCommand.checkReportMail(Self.settings(to: to, smtpURL: smtpURL))
        #expect(verdict.map { $0.line.contains(says ?? "") } ?? (says == nil), "\(String(describing: verdict?.line))")
        #expect(verdict?.line.contains("pw-secret-1") != true)
    }
}
