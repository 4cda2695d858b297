import Foundation
import ReconcilerCore
import Reports
import TestSupport
import Testing
import WireFormat

@Suite struct MailMessageTests {
    static let document = ReportFixture.report().document
    static let json = ReportFixture.report().serializedDocument

    static func message(subject: String? = nil) -> MailMessage {
        var message = ReportMail.message(
            document, json: json, from: "recon@example.com", to: ["finance@example.com", "cfo@example.co.kr"],
            date: Date(timeIntervalSince1970: 1_796_428_800), host: "example.com")
        if let subject { message.subject = subject }
        return message
    }

    @Test func theMessageParsesBackIntoItsParts() throws {
        let text = Self.message().rendered()
        #expect(text.utf8.allSatisfy { $0 < 128 }, "the message is 7-bit")
        #expect(!text.contains("\n") || text.components(separatedBy: "\r\n").allSatisfy { !$0.contains("\n") })
        for line in text.components(separatedBy: "\r\n") {
            #expect(line.utf8.count <= 78, "line too long: \(line.prefix(90))")
        }
        let message = MIMEReader.split(text)
        #expect(message.headers["from"] == "recon@example.com")
        #expect(message.headers["to"] == "finance@example.com,cfo@example.co.kr")
        #expect(message.headers["mime-version"] == "1.0")
        #expect(message.headers["date"] == "Sat, 05 Dec 2026 00:00:00 +0000")
        #expect(message.headers["message-id"]?.hasPrefix("<run-7.") == true)
        #expect(message.headers["message-id"]?.hasSuffix("@example.com>") == true)
        #expect(message.headers["content-type"]?.hasPrefix("multipart/mixed;") == true)

        let top = MIMEReader.parts(message)
        #expect(top.count == 2)
        #expect(top[0].headers["content-type"]?.hasPrefix("multipart/alternative;") == true)
        let alternatives = MIMEReader.parts(top[0])
        #expect(
            alternatives.map { $0.headers["content-type"] } == [
                "text/plain; charset=utf-8", "text/html; charset=utf-8",
            ])
        let text0 = String(decoding: MIMEReader.decodedBody(alternatives[0]), as: UTF8.self)
        let html = String(decoding: MIMEReader.decodedBody(alternatives[1]), as: UTF8.self)
        #expect(text0 == ReportFormat.md.render(Self.document, json: Self.json))
        #expect(html == ReportFormat.html.render(Self.document, json: Self.json))
        #expect(text0.contains("스타터") || text0.contains("정산"))

        #expect(top[1].headers["content-disposition"] == "attachment; filename=\"run-7.csv\"")
        #expect(top[1].headers["content-type"] == "text/csv; charset=utf-8")
        let csv = String(decoding: MIMEReader.decodedBody(top[1]), as: UTF8.self)
        #expect(csv == ReportFormat.csv.render(Self.document, json: Self.json))
        #expect(csv.hasPrefix("\u{FEFF}"))
    }

    @Test(arguments: [
        "[credit-reconciler] 정산 실행 #7 성공: 복구 2건, 새 불일치 11건, 미해결 13건",
        "짧은 제목",
        "mixed 한글 and ASCII with emoji 💳 and a very long tail that goes on and on past the fold limit",
        String(repeating: "가", count: 200),
    ])
    func subjectsOutsideASCIIAreEncodedWords(subject: String) {
        let message = MIMEReader.split(Self.message(subject: subject).rendered())
        let header = message.headers["subject"]!
        #expect(header.hasPrefix("=?UTF-8?B?"))
        #expect(MIMEReader.decodeWords(header) == subject)
        let raw = Self.message(subject: subject).rendered()
        for line in raw.components(separatedBy: "\r\n") where line.contains("=?UTF-8?B?") {
            // Every encoded word is at most 75 characters (RFC 2047 §2).
            for word in line.split(separator: " ") where word.hasPrefix("=?") {
                #expect(word.count <= 75)
            }
        }
    }

    @Test func anASCIISubjectStaysReadable() {
        let message = MIMEReader.split(Self.message(subject: "Run #7 succeeded").rendered())
        #expect(message.headers["subject"] == "Run #7 succeeded")
    }

    @Test func aLineBreakInTheSubjectCannotAddAHeader() {
        let raw = Self.message(subject: "hi\r\nBcc: evil@example.com").rendered()
        #expect(!raw.contains("\r\nBcc:"))
        let raw2 = Self.message(subject: "안녕\r\nBcc: evil@example.com").rendered()
        #expect(!raw2.contains("\r\nBcc:"))
    }

    @Test func theSubjectFollowsTheLocale() {
        #expect(ReportMail.subject(Self.document).contains("정산 실행 #7 성공"))
        let english = ReportFixture.report(locale: "en", status: .failed, error: "boom").document
        #expect(
            ReportMail.subject(english) == "[credit-reconciler] Run #7 FAILED: 2 repairs, 11 new discrepancies, 13 open"
        )
    }

    static let whenCases: [(ReportMailSettings.When, RunOutcome, Int64, Bool)] = [
        (.always, .succeeded, 0, true),
        (.discrepancies, .succeeded, 0, false),
        (.discrepancies, .succeeded, 3, true),
        (.discrepancies, .failed, 0, true),
        (.discrepancies, .aborted, 0, true),
        (.never, .failed, 9, false),
    ]

    @Test(arguments: whenCases)
    func whenDecidesWhichRunsAreMailed(when: ReportMailSettings.When, status: RunOutcome, new: Int64, mailed: Bool) {
        var settings = ReportMailSettings()
        settings.to = ["finance@example.com"]
        settings.when = when
        #expect(settings.mails(succeeded: status == .succeeded, newDiscrepancies: new) == mailed)
        settings.to = []
        #expect(!settings.mails(succeeded: status == .succeeded, newDiscrepancies: new))
    }

    @Test func theDocumentDecidesWhetherItIsDue() {
        var settings = ReportMailSettings()
        settings.to = ["finance@example.com"]
        settings.when = .discrepancies
        #expect(ReportMail.isDue(Self.document, settings: settings))  // 11 new in the fixture
    }
}
