import FinanceConsole
import Foundation
import Postgres
import ReconcilerCore
import TestSupport
import Testing

/// The console's plans over loopback HTTP against real plans (a dry run's): the list and the
/// plan page, approval by an approver recorded exactly as `plan approve` records it, and every
/// refusal: a non-approver, no or a wrong token, an empty note, a plan no longer proposed or
/// expired; the pages in Korean with times in Seoul when the configuration says so.
@Suite(.serialized) struct ConsolePlanTests {
    typealias Fixture = ConsoleHTTPTests.Fixture

    static func planId(_ fixture: Fixture) throws -> Int64 {
        let connection = try fixture.database.connect()
        defer { connection.close() }
        return try #require(try connection.queryFirst("SELECT max(id) AS id FROM reconciler.plan")?.decode("id"))
    }

    static func approval(_ fixture: Fixture, _ id: Int64) throws -> (
        status: String, by: String?, note: String?, at: Bool
    ) {
        let connection = try fixture.database.connect()
        defer { connection.close() }
        let row = try #require(
            try connection.queryFirst(
                "SELECT status, approved_by, approved_note, approved_at IS NOT NULL AS at FROM reconciler.plan WHERE id = $1",
                [id]))
        return (
            try row.decode("status"), try row.decode("approved_by"), try row.decode("approved_note"),
            try row.decode("at")
        )
    }

    @Test func plansAreListedShownAndApprovedByApproversOnly() async throws {
        try await ConsoleHTTPTests.withConsole(dryRunFirst: true) { fixture in
            let id = try Self.planId(fixture)

            // The list and the overview name it; the plan page shows its facts and its document.
            let list = try fixture.get("/plans")
            #expect(list.status == 200)
            #expect(list.body.contains("href=\"/plans/\(id)\"") && list.body.contains("proposed"))
            #expect(list.body.contains("<a href=\"/plans\">Plans</a>"), "in the navigation")
            #expect(try fixture.get("/").body.contains("Plans awaiting approval: 1"))
            let page = try fixture.get("/plans/\(id)", user: "lee")
            #expect(page.status == 200)
            #expect(page.body.contains("Only approvers (console.approvers) may approve a plan."))
            #expect(!page.body.contains("/plans/\(id)/approve"), "a reader sees no approve form")
            let document = try fixture.get("/plans/\(id)/document")
            #expect(document.status == 200 && document.body.contains("<!DOCTYPE html>"))
            ConsoleHTTPTests.expectSecurityHeaders(document, "plan document")
            #expect(try fixture.get("/plans/999999").status == 404)

            // A reader with a valid token is refused, and nothing is recorded.
            let reader = try fixture.session("lee")
            let refused = try fixture.post(
                "/plans/\(id)/approve", user: "lee", cookie: reader.cookie,
                fields: [("_token", reader.token), ("note", "ok")])
            #expect(refused.status == 403 && refused.body.contains("console.approvers"))
            #expect(try Self.approval(fixture, id).status == "proposed")

            // The approver: the form is there; without a token, with a wrong one, or without a note: refused.
            let approverPage = try fixture.get("/plans/\(id)", user: "park")
            let cookie = try #require(approverPage.sessionCookie)
            let token = try #require(ConsoleHTTPTests.token(in: approverPage.body))
            #expect(approverPage.body.contains("action=\"/plans/\(id)/approve\""))
            for fields in [[("note", "ok")], [("_token", "x" + token), ("note", "ok")]] {
                let answer = try fixture.post("/plans/\(id)/approve", user: "park", cookie: cookie, fields: fields)
                #expect(answer.status == 403)
            }
            let empty = try fixture.post(
                "/plans/\(id)/approve", user: "park", cookie: cookie, fields: [("_token", token), ("note", "  ")])
            #expect(empty.status == 400)
            #expect(try Self.approval(fixture, id).status == "proposed")

            // Approved, with the proxy's user and the note (HTML in it shown escaped).
            let note = "checked <script>alert(1)</script> with finance"
            let approved = try fixture.post(
                "/plans/\(id)/approve", user: "park", cookie: cookie, fields: [("_token", token), ("note", note)])
            #expect(approved.status == 303 && approved.header("location") == "/plans/\(id)?approved=1")
            let recorded = try Self.approval(fixture, id)
            #expect(recorded.status == "approved" && recorded.by == "park" && recorded.note == note && recorded.at)
            let after = try fixture.get("/plans/\(id)?approved=1", user: "park", cookie: cookie)
            #expect(after.body.contains("Plan #\(id) is approved by park."))
            #expect(after.body.contains("credit-reconciler plan apply \(id)"))
            #expect(after.body.contains("checked &lt;script&gt;alert(1)&lt;/script&gt; with finance"))
            #expect(!after.body.contains("<script>"))
            #expect(!after.body.contains("/plans/\(id)/approve"), "approved: no form any more")

            // Approving again is refused with the store's message; so is an expired plan.
            let again = try fixture.post(
                "/plans/\(id)/approve", user: "park", cookie: cookie, fields: [("_token", token), ("note", "again")])
            #expect(again.status == 409)
            try fixture.execute(
                "UPDATE reconciler.plan SET status = 'proposed', approved_by = NULL, approved_note = NULL, approved_at = NULL, expires_at = now() - interval '1 minute' WHERE id = $1",
                [id])
            let expired = try fixture.post(
                "/plans/\(id)/approve", user: "park", cookie: cookie, fields: [("_token", token), ("note", "late")])
            #expect(expired.status == 409 && expired.body.contains("expired"), "\(expired.body)")
            #expect(try Self.approval(fixture, id).by == nil)
        }
    }

    @Test func theConsoleSpeaksKoreanWithTimesInSeoul() async throws {
        try await ConsoleHTTPTests.withConsole(
            locale: ConsoleLocale(locale: "ko", timeZone: "Asia/Seoul"), dryRunFirst: true
        ) { fixture in
            let id = try Self.planId(fixture)
            let overview = try fixture.get("/")
            #expect(overview.body.contains("<html lang=\"ko\">"))
            #expect(overview.body.contains("미해결 불일치") && overview.body.contains("승인 대기 중인 계획: 1건"))
            #expect(!overview.body.contains("Latest runs"))
            let plan = try fixture.get("/plans/\(id)", user: "park")
            #expect(plan.body.contains("승인 대기") && plan.body.contains("승인</button>"))
            // Times carry Seoul's offset: a plan made minutes ago is shown in KST (+09:00).
            #expect(plan.body.contains(" +09:00"), "\(plan.body)")
            #expect(!plan.body.contains(" UTC"))
            // Discrepancies in the reports' Korean sentences, not the stored English ones.
            let discrepancies = try fixture.get("/discrepancies?status=all").body
            let sentences = discrepancies.components(separatedBy: "<p class=\"detail\">").dropFirst()
            #expect(!sentences.isEmpty)
            for sentence in sentences {
                let first = sentence.unicodeScalars.first.map { $0.value } ?? 0
                #expect(first > 0x7F, "an English sentence: \(sentence.prefix(80))")
            }
            let refused = try fixture.get("/plans", user: nil)
            #expect(refused.status == 401 && refused.body.contains("로그인되지 않음"))
        }
    }
}
