import HTTP

/// Sends report e-mail through the mail server `SMTP_URL` names (DESIGN §7). What it says about
/// a failure names the server's host and never the URL, the user name or the password.
public struct ReportMailer: Sendable {
    private let settings: SMTPSettings

    /// The host of the mail server, for the log.
    public var host: String { settings.host }

    /// A mailer for `smtpURL` (`smtps://user:password@host:465` or `smtp://host:587`, which must
    /// upgrade with STARTTLS), trusting the CA certificates in `caFile` when given.
    ///
    /// - Throws: ``Problem`` saying what is wrong with the URL, without repeating it.
    public init(smtpURL: String, caFile: String? = nil, timeout: Duration = .seconds(60)) throws(Problem) {
        do {
            settings = try SMTPSettings(url: smtpURL, caFile: caFile, timeout: timeout)
        } catch {
            throw Problem(description: error.description)
        }
    }

    /// Why `SMTP_URL` or a send failed.
    public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        /// What failed and what to do; never a secret.
        public var description: String
    }

    /// Sends `message` (``MailMessage/rendered()``) from `sender` to `recipients`.
    public func send(_ message: String, from sender: String, to recipients: [String]) async throws(Problem) {
        do {
            try await SMTPClient.send(Array(message.utf8), from: sender, to: recipients, settings: settings)
        } catch {
            throw Problem(description: error.description)
        }
    }
}
