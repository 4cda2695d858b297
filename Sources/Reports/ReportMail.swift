import Foundation
import ReconcilerCore
import WireFormat

/// The report e-mail of one run (DESIGN §7): the Markdown summary as the text part, the HTML
/// report as the HTML part and the CSV attached, all rendered from the run's document exactly
/// as its files are, with a subject in the report's locale.
public enum ReportMail {
    /// Whether `settings` mail the run `document` reports on (`reports.email.when`).
    public static func isDue(_ document: JSONValue, settings: ReportMailSettings) -> Bool {
        settings.mails(
            succeeded: document["run"]["status"].stringValue == RunOutcome.succeeded.rawValue,
            newDiscrepancies: document["totals"]["discrepanciesNew"].integerValue ?? 0)
    }

    /// The message for the run `document` reports on (`json`: its stored text).
    ///
    /// - Parameters:
    ///   - date: when the message is written (its `Date` field).
    ///   - host: the domain of its `Message-ID`.
    public static func message(
        _ document: JSONValue, json: String, from: String, to: [String], date: Date, host: String
    ) -> MailMessage {
        let runId = document["run"]["id"].integerValue ?? 0
        return MailMessage(
            from: from, to: to, subject: subject(document),
            text: ReportFormat.md.render(document, json: json), html: ReportFormat.html.render(document, json: json),
            attachments: [
                MailMessage.Attachment(
                    fileName: ReportFormat.csv.fileName(runId: runId), contentType: "text/csv; charset=utf-8",
                    content: Array(ReportFormat.csv.render(document, json: json).utf8))
            ],
            date: date,
            messageId: "run-\(runId).\(Int64(date.timeIntervalSince1970 * 1000)).credit-reconciler@\(host)")
    }

    /// The subject: the run, how it ended and what needs a look, in the report's locale.
    public static func subject(_ document: JSONValue) -> String {
        let runId = document["run"]["id"].integerValue ?? 0
        let status = document["run"]["status"].stringValue ?? ""
        let new = document["totals"]["discrepanciesNew"].integerValue ?? 0
        let open = document["totals"]["discrepanciesOpen"].integerValue ?? 0
        let fixes = document["totals"]["fixesApplied"].integerValue ?? 0
        if document["locale"].stringValue == "en" {
            let outcome =
                switch status {
                case "succeeded": "succeeded"
                case "aborted": "aborted"
                default: "FAILED"
                }
            return
                "[credit-reconciler] Run #\(runId) \(outcome): \(fixes) repairs, \(new) new discrepancies, \(open) open"
        }
        let outcome =
            switch status {
            case "succeeded": "성공"
            case "aborted": "중단"
            default: "실패"
            }
        return "[credit-reconciler] 정산 실행 #\(runId) \(outcome): 보정 \(fixes)건, 새 불일치 \(new)건, 미해결 \(open)건"
    }
}
