import ReconcilerCore
import Reports
import Testing
import WireFormat

/// When a notification is sent and what it says.
@Suite struct NotificationTextTests {
    @Test func newCriticalDiscrepanciesAreAnnounced() throws {
        let message = try #require(NotificationText.message(ReportFixture.report().document))
        #expect(message.hasPrefix("credit-reconciler run 7: 7 new critical discrepancies"))
        #expect(message.contains("AMOUNT_MISMATCH 1"))
        #expect(message.contains("credit-reconciler report --run 7"))
        let body = try JSONValue.parse(Array(NotificationText.body(message).utf8).withUnsafeBytes { .init($0) })
        #expect(body == .object(["text": .string(message)]))
    }

    @Test func aFailedRunIsAnnounced() throws {
        let document = ReportFixture.report(status: .failed, error: "PortOne is unavailable").document
        let message = try #require(NotificationText.message(document))
        #expect(message.hasPrefix("credit-reconciler run 7 failed: PortOne is unavailable"))
    }

    @Test func aQuietSuccessfulRunSendsNothing() {
        let report = ReportFixture.report()
        var quiet = report
        quiet.discrepancies = report.discrepancies.filter { $0.severity != .critical }
        #expect(NotificationText.message(quiet.document) == nil)
    }
}
