import Foundation
import ReconcilerCore
import Testing

@Suite struct ConfigurationTests {
    static let catalog = """
        [
          {"id": "starter",  "name": "스타터",   "price": 10000,  "currency": "KRW", "credits": 100},
          {"id": "basic",    "name": "베이직",   "price": 30000,  "currency": "KRW", "credits": 330},
          {"id": "pro",      "name": "프로",     "price": 50000,  "currency": "KRW", "credits": 600},
          {"id": "business", "name": "비즈니스", "price": 100000, "currency": "KRW", "credits": 1300,
           "validFrom": "2025-12-10T00:00:00+09:00", "validUntil": null}
        ]
        """

    /// The example of ARCHITECTURE §6.1, verbatim.
    static let designExample = """
        {
          "catalog": \(catalog),
          "policy": {
            "settleDelay": "10m", "overlap": "1d", "initialLookback": "7d",
            "autoFix": ["MISSED_GRANT", "MISSED_REFUND"],
            "partialRefundRounding": "up", "refundShortfall": "clamp",
            "maxFixesPerRun": 500, "maxCreditsPerFix": 10000, "grantTestPayments": false
          },
          "schedule": {"at": "03:00", "timeZone": "Asia/Seoul", "every": null},
          "follow": {"enabled": true, "interval": "10s", "grace": "45s", "maxFixesPerTick": 100},
          "approval": {"planTtl": "24h"},
          "reports": {"directory": "/var/lib/credit-reconciler/reports",
                      "formats": ["json", "csv", "md", "html"], "locale": "ko",
                      "email": {"to": [], "from": null, "when": "always"}},
          "console": {"listen": "127.0.0.1:8470", "userHeader": "X-Forwarded-User",
                      "editors": [], "approvers": []},
          "metrics": {"textfile": null},
          "notify": {"webhookUrl": null}
        }
        """

    static func parse(_ text: String) throws(ConfigurationError) -> Configuration {
        try Configuration.parse(Data(text.utf8))
    }

    @Test func designExampleGivesTheDefaults() throws {
        let configuration = try Self.parse(Self.designExample)
        let minimal = try Self.parse(#"{"catalog": \#(Self.catalog)}"#)
        #expect(configuration == minimal)
        #expect(configuration.catalog.count == 4)
        #expect(configuration.catalog[3].validFrom == Date(timeIntervalSince1970: 1_765_292_400))
        #expect(configuration.policy == Configuration.Policy())
        #expect(configuration.policy.settleDelay == 600)
        #expect(configuration.policy.initialLookback == 604_800)
        #expect(configuration.schedule.timeZone == "Asia/Seoul")
        #expect(configuration.schedule.hour == 3 && configuration.schedule.minute == 0)
        #expect(configuration.follow == Configuration.Follow())
        #expect(configuration.follow.interval == 10 && configuration.follow.grace == 45)
    }

    static let settings: [(String, @Sendable (Configuration) -> Bool)] = [
        (#""policy": {"settleDelay": "1h30m"}"#, { $0.policy.settleDelay == 5400 }),
        (#""policy": {"overlap": "0s"}"#, { $0.policy.overlap == 0 }),
        (#""policy": {"autoFix": []}"#, { $0.policy.autoFix.isEmpty }),
        (#""policy": {"autoFix": ["MISSED_REFUND"]}"#, { $0.policy.autoFix == [.missedRefund] }),
        (#""policy": {"partialRefundRounding": "nearest"}"#, { $0.policy.partialRefundRounding == .nearest }),
        (#""policy": {"refundShortfall": "allowNegative"}"#, { $0.policy.refundShortfall == .allowNegative }),
        (
            #""policy": {"maxFixesPerRun": 2000, "maxCreditsPerFix": 5000}"#,
            {
                $0.policy.maxFixesPerRun == 2000 && $0.policy.maxCreditsPerFix == 5000
            }
        ),
        (#""policy": {"grantTestPayments": true}"#, { $0.policy.grantTestPayments }),
        (#""policy": {"balanceAuditRuns": 30}"#, { $0.policy.balanceAuditRuns == 30 }),
        (#""policy": {"balanceAuditRuns": 1}"#, { $0.policy.balanceAuditRuns == 1 }),
        (#""schedule": {"at": "23:59", "timeZone": "UTC"}"#, { $0.schedule.hour == 23 && $0.schedule.minute == 59 }),
        (#""schedule": {"every": "6h"}"#, { $0.schedule.every == 21_600 }),
        (#""approval": {"planTtl": "2h"}"#, { $0.approval.planTtl == 7_200 }),
        (#""approval": {}"#, { $0.approval.planTtl == 86_400 }),
        (
            #""follow": {"enabled": false, "interval": "2s", "grace": "0s", "maxFixesPerTick": 7}"#,
            {
                !$0.follow.enabled && $0.follow.interval == 2 && $0.follow.grace == 0 && $0.follow.maxFixesPerTick == 7
            }
        ),
        (
            #""follow": {"interval": "1m", "grace": "2m"}"#,
            {
                $0.follow.enabled && $0.follow.interval == 60 && $0.follow.grace == 120
                    && $0.follow.maxFixesPerTick == 100
            }
        ),
        (
            #""reports": {"formats": ["json", "json", "csv"], "locale": "en"}"#,
            {
                $0.reports.formats == [.json, .csv] && $0.reports.locale == "en"
            }
        ),
        (
            #""metrics": {"textfile": "/var/lib/node_exporter/credit.prom"}"#,
            {
                $0.metricsTextfile == "/var/lib/node_exporter/credit.prom"
            }
        ),
        (
            #""notify": {"webhookUrl": "https://hooks.slack.com/services/T/B/X"}"#,
            {
                $0.notifyWebhookURL == "https://hooks.slack.com/services/T/B/X"
            }
        ),
        (#""notify": {"webhookUrl": "http://127.0.0.1:9/hook"}"#, { $0.notifyWebhookURL != nil }),
        (
            #""reports": {"email": {"to": ["finance@example.com", "cfo@example.co.kr"], "from": "recon@example.com", "when": "discrepancies"}}"#,
            {
                $0.reports.email.to == ["finance@example.com", "cfo@example.co.kr"]
                    && $0.reports.email.from == "recon@example.com" && $0.reports.email.when == .discrepancies
            }
        ),
        (#""reports": {"email": {"when": "never"}}"#, { $0.reports.email.when == .never }),
        (#""console": {"listen": "[::1]:9000"}"#, { $0.console.listen == .loopback(host: "::1", port: 9000) }),
        (#""console": {"listen": "127.0.0.2:80"}"#, { $0.console.listen == .loopback(host: "127.0.0.2", port: 80) }),
        (
            #""console": {"listen": "unix:/run/credit-reconciler/console.sock"}"#,
            { $0.console.listen == .unixSocket(path: "/run/credit-reconciler/console.sock") }
        ),
        (
            #""console": {"userHeader": "X-Remote-User", "editors": ["kim", "lee"], "approvers": ["park"]}"#,
            {
                $0.console.userHeader == "X-Remote-User" && $0.console.editors == ["kim", "lee"]
                    && $0.console.approvers == ["park"]
            }
        ),
    ]

    @Test(arguments: settings)
    func accepts(fragment: String, check: @Sendable (Configuration) -> Bool) throws {
        let configuration = try Self.parse(#"{"catalog": \#(Self.catalog), \#(fragment)}"#)
        #expect(check(configuration))
    }

    /// Each bad field, with the name the error must give.
    static let rejected: [(String, String)] = [
        (#""policy": {"settleDelay": "10 minutes"}"#, "policy.settleDelay"),
        (#""reports": {"email": {"to": "finance@example.com"}}"#, "reports.email.to"),
        (#""reports": {"email": {"to": ["Finance <finance@example.com>"]}}"#, "reports.email.to[0]"),
        (#""reports": {"email": {"to": ["a@b.com\r\nBcc: x@y.com"]}}"#, "reports.email.to[0]"),
        (#""reports": {"email": {"to": ["nobody"]}}"#, "reports.email.to[0]"),
        (#""reports": {"email": {"from": "me"}}"#, "reports.email.from"),
        (#""reports": {"email": {"when": "sometimes"}}"#, "reports.email.when"),
        (#""reports": {"email": {"cc": []}}"#, "reports.email.cc is not a known setting"),
        (#""console": {"listen": "0.0.0.0:8470"}"#, "console.listen must be a loopback address"),
        (#""console": {"listen": "192.168.1.2:8470"}"#, "console.listen"),
        (#""console": {"listen": "127.0.0.1"}"#, "console.listen"),
        (#""console": {"listen": "127.0.0.1:99999"}"#, "console.listen"),
        (#""console": {"listen": "unix:relative.sock"}"#, "console.listen"),
        (#""console": {"userHeader": "X User"}"#, "console.userHeader"),
        (#""console": {"editors": "kim"}"#, "console.editors"),
        (#""console": {"approvers": ["a b"]}"#, "console.approvers[0]"),
        (#""console": {"port": 1}"#, "console.port is not a known setting"),
        (#""policy": {"settleDelay": 600}"#, "policy.settleDelay"),
        (#""policy": {"overlap": "-1d"}"#, "policy.overlap"),
        (#""policy": {"initialLookback": "0s"}"#, "policy.initialLookback"),
        (#""policy": {"initialLookback": "9999d"}"#, "policy.initialLookback"),
        (#""policy": {"autoFix": ["MISSED_GRANT", "DUPLICATE_GRANT"]}"#, "policy.autoFix[1]"),
        (#""policy": {"autoFix": "MISSED_GRANT"}"#, "policy.autoFix"),
        (#""policy": {"partialRefundRounding": "ceil"}"#, "policy.partialRefundRounding"),
        (#""policy": {"refundShortfall": "negative"}"#, "policy.refundShortfall"),
        (#""policy": {"maxFixesPerRun": 0}"#, "policy.maxFixesPerRun"),
        (#""policy": {"maxFixesPerRun": 1.5}"#, "policy.maxFixesPerRun"),
        (#""policy": {"maxCreditsPerFix": "10000"}"#, "policy.maxCreditsPerFix"),
        (#""policy": {"grantTestPayments": "no"}"#, "policy.grantTestPayments"),
        (#""policy": {"balanceAuditRuns": 0}"#, "policy.balanceAuditRuns must be a positive whole number"),
        (#""policy": {"balanceAuditRuns": "7"}"#, "policy.balanceAuditRuns must be a positive whole number"),
        (#""policy": {"balanceAuditRuns": 1001}"#, "policy.balanceAuditRuns must be at most 1000"),
        (#""policy": {"settleDelai": "10m"}"#, "policy.settleDelai is not a known setting"),
        (#""policy": {"settledelay": "10m"}"#, "did you mean \"settleDelay\""),
        (#""policy": []"#, "policy must be an object"),
        (#""schedule": {"at": "3:00"}"#, "schedule.at"),
        (#""schedule": {"at": "24:00"}"#, "schedule.at"),
        (#""schedule": {"timeZone": "Mars/Olympus"}"#, "schedule.timeZone"),
        (#""schedule": {"every": "30s"}"#, "schedule.every"),
        (#""follow": {"enabled": "yes"}"#, "follow.enabled"),
        (#""approval": {"planTtl": "30s"}"#, "approval.planTtl"),
        (#""approval": {"planTtl": 3600}"#, "approval.planTtl"),
        (#""approval": {"ttl": "1h"}"#, "approval.ttl"),
        (#""follow": {"interval": "0s"}"#, "follow.interval"),
        (#""follow": {"interval": "2h"}"#, "follow.interval must be at most 1h"),
        (#""follow": {"interval": 10}"#, "follow.interval"),
        (#""follow": {"grace": "-5s"}"#, "follow.grace"),
        (#""follow": {"maxFixesPerTick": 0}"#, "follow.maxFixesPerTick"),
        (#""follow": {"maxFixesPerTick": 5000}"#, "follow.maxFixesPerTick must be at most 1000"),
        (#""follow": {"intervall": "10s"}"#, "follow.intervall is not a known setting"),
        (#""follow": []"#, "follow must be an object"),
        (#""reports": {"directory": "reports"}"#, "reports.directory"),
        (#""reports": {"formats": ["pdf"]}"#, "reports.formats[0]"),
        (#""reports": {"locale": "ja"}"#, "reports.locale"),
        (#""metrics": {"textfile": "metrics.prom"}"#, "metrics.textfile"),
        (#""metrics": {"path": "/x"}"#, "metrics.path is not a known setting"),
        (#""notify": {"webhookUrl": "http://hooks.example.com/x"}"#, "notify.webhookUrl"),
        (#""notify": {"webhookUrl": "not a url"}"#, "notify.webhookUrl"),
        (#""catalogue": []"#, "catalogue is not a known setting"),
        (#""ledger": {"description": {}}"#, "ledger.description is not a known setting"),
        (#""ledger": {"descriptions": {"MISSED_GRANTS": "x"}}"#, "ledger.descriptions.MISSED_GRANTS is not a known"),
        (#""ledger": {"descriptions": {"MISSED_GRANT": ""}}"#, "ledger.descriptions.MISSED_GRANT must be a non-empty"),
        (#""ledger": {"descriptions": {"MISSED_GRANT": 5}}"#, "ledger.descriptions.MISSED_GRANT must be a non-empty"),
        (
            #""ledger": {"descriptions": {"MISSED_GRANT": "{packageName} {paymentId}"}}"#,
            "ledger.descriptions.MISSED_GRANT uses {paymentId}, which is not a placeholder of MISSED_GRANT; use {packageName}, {credits}"
        ),
        (
            #""ledger": {"descriptions": {"MISSED_GRANT": "구매 ({refundKind})"}}"#,
            "ledger.descriptions.MISSED_GRANT uses {refundKind}"
        ),
        (
            #""ledger": {"descriptions": {"MISSED_REFUND": "{package} {user}"}}"#,
            "uses {package}, {user}, which are not placeholders of MISSED_REFUND; use {packageName}, {credits}, {refundKind}"
        ),
        (#""ledger": []"#, "ledger must be an object"),
    ]

    /// `ledger.descriptions`: a template per kind, the other kind keeping the locale's default.
    @Test func ledgerDescriptionsAreConfiguredPerKind() throws {
        let configuration = try Self.parse(
            #"{"catalog": \#(Self.catalog), "reports": {"locale": "en"}, "ledger": {"descriptions": {"MISSED_REFUND": "Refund: -{credits} credits ({packageName}, {refundKind})"}}}"#
        )
        let descriptions = configuration.ledgerDescriptions
        #expect(descriptions.template(.missedRefund) == "Refund: -{credits} credits ({packageName}, {refundKind})")
        #expect(descriptions.template(.missedGrant) == "Credit purchase ({packageName}) · granted after payment check")
        let pro = CreditPackage(id: "pro", name: "프로", price: 50_000, currency: "KRW", credits: 1_300)
        #expect(
            descriptions.text(.missedRefund, package: pro, credits: 1_300, fullRefund: false)
                == "Refund: -1,300 credits (프로, partial refund)")
        #expect(try Self.parse(#"{"catalog": \#(Self.catalog)}"#).ledgerDescriptionTemplates.isEmpty)
    }

    @Test(arguments: rejected)
    func namesTheInvalidField(fragment: String, field: String) {
        do {
            _ = try Self.parse(#"{"catalog": \#(Self.catalog), \#(fragment)}"#)
            Issue.record("expected a configuration error for \(fragment)")
        } catch {
            #expect(error.description.contains(field), "message was: \(error.description)")
        }
    }

    static let badCatalogs: [(String, String)] = [
        ("{}", "catalog is required"),
        (#"{"catalog": []}"#, "catalog must be a non-empty array"),
        (#"{"catalog": {}}"#, "catalog must be a non-empty array"),
        (#"{"catalog": [1]}"#, "catalog[0] must be an object"),
        (#"{"catalog": [{"id": "a", "name": "A", "price": 0, "currency": "KRW", "credits": 1}]}"#, "catalog[0].price"),
        (
            #"{"catalog": [{"id": "a", "name": "A", "price": 100, "currency": "KRW", "credits": -1}]}"#,
            "catalog[0].credits"
        ),
        (
            #"{"catalog": [{"id": "a", "name": "A", "price": 1.5, "currency": "KRW", "credits": 1}]}"#,
            "catalog[0].price"
        ),
        (
            #"{"catalog": [{"id": "a", "name": "A", "price": 100, "currency": "krw", "credits": 1}]}"#,
            "catalog[0].currency"
        ),
        (#"{"catalog": [{"name": "A", "price": 100, "currency": "KRW", "credits": 1}]}"#, "catalog[0].id is required"),
        (#"{"catalog": [{"id": "", "name": "A", "price": 100, "currency": "KRW", "credits": 1}]}"#, "catalog[0].id"),
        (
            #"{"catalog": [{"id": "a", "name": "A", "price": 100, "currency": "KRW", "credits": 1, "bonus": 5}]}"#,
            "catalog[0].bonus is not a known setting"
        ),
        (
            #"{"catalog": [{"id": "a", "name": "A", "price": 100, "currency": "KRW", "credits": 1, "validFrom": "yesterday"}]}"#,
            "catalog[0].validFrom"
        ),
        (
            #"{"catalog": [{"id": "a", "name": "A", "price": 100, "currency": "KRW", "credits": 1, "validFrom": "2026-02-01T00:00:00Z", "validUntil": "2026-01-01T00:00:00Z"}]}"#,
            "catalog[0].validFrom must be before"
        ),
        (
            #"{"catalog": [{"id": "a", "name": "A", "price": 100, "currency": "KRW", "credits": 1}, {"id": "a", "name": "A", "price": 200, "currency": "KRW", "credits": 2}]}"#,
            "two entries for package \"a\""
        ),
        ("[]", "must be a JSON object"),
        ("{", "not valid JSON"),
        (#"{"catalog": [], "catalog": []}"#, "not valid JSON"),
    ]

    @Test(arguments: badCatalogs)
    func rejectsBadDocuments(text: String, fragment: String) {
        do {
            _ = try Self.parse(text)
            Issue.record("expected a configuration error")
        } catch {
            #expect(error.description.contains(fragment), "message was: \(error.description)")
        }
    }

    @Test func reportsEveryProblemAtOnce() {
        let text =
            #"{"catalog": \#(Self.catalog), "policy": {"settleDelay": "x", "maxFixesPerRun": -1}, "reports": {"locale": "fr"}}"#
        do {
            _ = try Self.parse(text)
            Issue.record("expected a configuration error")
        } catch {
            #expect(error.problems.count == 3)
        }
    }

    @Test func priceChangesOverTimeAreAllowed() throws {
        let text = #"""
            {"catalog": [
              {"id": "pro", "name": "프로", "price": 45000, "currency": "KRW", "credits": 600, "validUntil": "2026-01-01T00:00:00+09:00"},
              {"id": "pro", "name": "프로", "price": 50000, "currency": "KRW", "credits": 600, "validFrom": "2026-01-01T00:00:00+09:00"}
            ]}
            """#
        let configuration = try Self.parse(text)
        #expect(configuration.catalog.map(\.price) == [45000, 50000])
    }

    @Test(arguments: [
        ("90s", Int64(90)), ("10m", 600), ("2h", 7200), ("1d", 86_400), ("1h30m", 5400), ("0s", 0),
        ("366d", 31_622_400),
    ])
    func durations(text: String, seconds: Int64) throws {
        let configuration = try Self.parse(#"{"catalog": \#(Self.catalog), "policy": {"overlap": "\#(text)"}}"#)
        #expect(configuration.policy.overlap == seconds)
    }
}
