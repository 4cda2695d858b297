import ReconcilerCore
import Reports
import Testing
import WireFormat

/// When a notification is sent and what it says.
@Suite struct NotificationTextTests {
    @Test func newCriticalDiscrepanciesAreAnnounced() throws {
        let message = try #require(NotificationText.message(ReportFixture.report(locale: "en").document))
        #expect(message.hasPrefix("credit-reconciler run 7: 8 new critical discrepancies"))
        #expect(message.contains("AMOUNT_MISMATCH 1"))
        #expect(message.contains("credit-reconciler report --run 7"))
        let body = try JSONValue.parse(Array(NotificationText.body(message).utf8).withUnsafeBytes { .init($0) })
        #expect(body == .object(["text": .string(message)]))
    }

    @Test func aFailedRunIsAnnounced() throws {
        let document = ReportFixture.report(locale: "en", status: .failed, error: "PortOne is unavailable").document
        let message = try #require(NotificationText.message(document))
        #expect(message.hasPrefix("credit-reconciler run 7 failed: PortOne is unavailable"))
        let korean = try #require(
            NotificationText.message(
                ReportFixture.report(locale: "ko", status: .failed, error: "PortOne is unavailable").document))
        #expect(korean.hasPrefix("credit-reconciler 실행 7 실패: PortOne is unavailable"))
    }

    /// Ops learn what to act on: the web app's answers, its acknowledgements without a grant,
    /// the payments without a webhook, the chargebacks, in the report's language.
    @Test(arguments: [
        (
            "en",
            [
                "- the web app's webhook endpoint answered 500 to 1 payment",
                "- the web app acknowledged 1 webhook and granted nothing (a defect of the web app)",
                "- PortOne sent no webhook for 1 paid payment: check the webhook settings in the PortOne console",
                "- 1 chargeback (a card dispute) deducted",
            ]
        ),
        (
            "ko",
            [
                "- 웹 앱의 웹훅 엔드포인트가 결제 1건에 HTTP 500 응답을 보냈습니다",
                "- 웹 앱이 웹훅 1건에 성공으로 응답하고 크레딧을 지급하지 않았습니다 (웹 앱의 결함)",
                "- PortOne이 결제 1건에 웹훅을 보내지 않았습니다: PortOne 콘솔의 웹훅 설정을 확인하세요",
                "- 차지백(카드 분쟁) 1건을 차감했습니다",
            ]
        ),
    ])
    func webhookProblemsAreSpelledOut(locale: String, lines: [String]) throws {
        var report = ReportFixture.report(locale: locale)
        report.discrepancies = []
        let message = try #require(NotificationText.message(report.document))
        #expect(
            message.hasPrefix(
                locale == "ko" ? "credit-reconciler 실행 7: 웹훅 확인 필요" : "credit-reconciler run 7: webhooks to check"))
        for line in lines { #expect(message.contains(line + "\n"), "missing: \(line)") }
    }

    @Test func failingWebhooksAreCountedByTheAppsAnswer() throws {
        var report = ReportFixture.report(locale: "en")
        report.discrepancies = []
        let failed = report.fixes[0]
        report.fixes = (0..<37).map { index in
            var fix = failed
            fix.paymentId = "pay-\(index)"
            if index >= 35 { fix.cause?.responseCode = nil }
            return fix
        }
        report.plannedFixes = []
        let message = try #require(NotificationText.message(report.document))
        #expect(message.contains("- the web app's webhook endpoint answered 500 to 35 payments\n"))
        #expect(message.contains("- the web app's webhook endpoint did not answer for 2 payments\n"))
        #expect(!message.contains("acknowledged"))
    }

    @Test func aQuietSuccessfulRunSendsNothing() {
        let report = ReportFixture.report()
        var quiet = report
        quiet.discrepancies = report.discrepancies.filter { $0.severity != .critical }
        // Grants the web app missed for no reason ops could act on.
        for index in quiet.fixes.indices { quiet.fixes[index].cause?.kind = .webhookNotSent }
        quiet.plannedFixes = []
        #expect(NotificationText.message(quiet.document) == nil)
    }
}
