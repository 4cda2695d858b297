import Foundation
import LedgerStore
import ReconcilerCore
import Reports
import WireFormat

extension Run {
    /// Writes the run's report e-mail into the outbox when `reports.email.when` asks for it. A
    /// database that cannot keep it (perhaps why the run failed) leaves it in memory for
    /// ``sendReportMail()`` to try once.
    func queueReportMail(_ document: JSONValue, json: String) {
        let settings = configuration.reports.email
        guard ReportMail.isDue(document, settings: settings) else { return }
        let message = ReportMail.message(
            document, json: json, from: settings.from ?? engine.settings.defaultMailSender, to: settings.to,
            date: engine.now().date, host: Self.mailDomain(settings.from ?? engine.settings.defaultMailSender))
        do {
            try workSession.reportMail.enqueue(
                runId: runId, sender: message.from, recipients: message.to, subject: message.subject,
                message: message.rendered())
        } catch {
            unqueuedMail = message
            engine.event(
                .warning, "the report e-mail could not be kept for a retry; it is sent once now",
                ["run": "\(runId)", "error": "\(error)"])
        }
    }

    /// Sends every report e-mail still in the outbox, this run's and those earlier runs could
    /// not send, oldest first. A failure is logged and leaves the mail for the next run; it
    /// never changes how the run ended.
    func sendReportMail() async {
        // Ticks of the follow loop come every few seconds: the outbox waits for the next run.
        guard let mailer = engine.settings.reportMailer, request.trigger != .follow else { return }
        if let message = unqueuedMail {
            unqueuedMail = nil
            do {
                try await mailer.send(message.rendered(), from: message.from, to: message.to)
                engine.event(.info, "report e-mail sent", ["run": "\(runId)", "server": mailer.host])
            } catch {
                engine.event(
                    .warning, "report e-mail not sent", ["run": "\(runId)", "server": mailer.host, "error": "\(error)"])
            }
        }
        let outbox = workSession.reportMail
        guard let pending = try? outbox.pending() else { return }
        for mail in pending {
            do {
                try await mailer.send(mail.message, from: mail.sender, to: mail.recipients)
                try? outbox.markSent(id: mail.id)
                engine.event(
                    .info, "report e-mail sent",
                    ["run": "\(mail.runId)", "server": mailer.host, "recipients": "\(mail.recipients.count)"])
            } catch {
                try? outbox.markFailed(id: mail.id, error: error.description)
                engine.event(
                    .warning, "report e-mail not sent; the next run tries again",
                    ["run": "\(mail.runId)", "server": mailer.host, "error": error.description])
                // The server is the same for the rest: they wait for the next run too.
                break
            }
        }
    }

    /// The domain of `address`, for the `Message-ID`.
    static func mailDomain(_ address: String) -> String {
        address.split(separator: "@").last.map(String.init) ?? "localhost"
    }
}
