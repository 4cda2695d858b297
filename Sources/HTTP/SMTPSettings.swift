import Foundation

/// Where and how report e-mail is sent: `SMTP_URL` (a secret: it may hold a password) checked.
///
/// `smtps://user:password@host:465` speaks TLS at once; `smtp://host:587` must upgrade with
/// STARTTLS. Nothing else is accepted: a report holds customers' e-mail addresses and payments.
public struct SMTPSettings: Sendable {
    /// The URL as given, for libcurl only; never printed.
    let url: String
    /// The server's host name, for messages.
    public let host: String
    /// Whether TLS starts at once (`smtps`) rather than by STARTTLS (`smtp`).
    public let implicitTLS: Bool
    /// A PEM file of the CA certificates to trust instead of the system's (`SMTP_CA_FILE`): for
    /// a relay with a private CA, and the tests' sink.
    public let caFile: String?
    /// How long one message may take, connecting included.
    public let timeout: Duration
    /// The user name and password in the URL, kept to redact them from libcurl's messages.
    private let secrets: [String]

    /// Checks `url`.
    ///
    /// - Throws: ``SMTPError/invalidURL(_:)`` saying what is wrong; the message never holds
    ///   the URL (it may hold the password).
    public init(url: String, caFile: String? = nil, timeout: Duration = .seconds(60)) throws(SMTPError) {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased() else {
            throw .invalidURL("SMTP_URL is not a URL: write smtps://user:password@host:465 or smtp://host:587")
        }
        guard scheme == "smtp" || scheme == "smtps" else {
            throw .invalidURL(
                "SMTP_URL must start with smtps:// (TLS) or smtp:// (upgraded with STARTTLS), not \(scheme.prefix(10))://"
            )
        }
        guard let host = components.host, !host.isEmpty else {
            throw .invalidURL("SMTP_URL names no host: write smtps://user:password@host:465")
        }
        guard !url.utf8.contains(where: { $0 <= 32 || $0 == 127 }) else {
            throw .invalidURL("SMTP_URL contains a space or a control character")
        }
        if let caFile, !caFile.hasPrefix("/") {
            throw .invalidURL("SMTP_CA_FILE must be an absolute path to a PEM file")
        }
        self.url = url
        self.host = host
        self.implicitTLS = scheme == "smtps"
        self.caFile = caFile
        self.timeout = timeout
        self.secrets = [components.password, components.percentEncodedPassword, components.user]
            .compactMap { $0 }.filter { $0.count >= 3 }
    }

    /// `text` with the URL's user name and password replaced by `***`.
    func redacting(_ text: String) -> String {
        secrets.reduce(text) { $0.replacingOccurrences(of: $1, with: "***") }
    }

    /// Whether `address` can stand in the SMTP envelope: non-empty, with an `@`, and no byte
    /// that could end or bend the command (spaces, control bytes, angle brackets).
    static func isEnvelopeAddress(_ address: String) -> Bool {
        address.contains("@") && address.utf8.count <= 254
            && address.utf8.allSatisfy { $0 > 32 && $0 < 127 && $0 != 60 && $0 != 62 }
    }
}

/// Why a report e-mail was not sent. Messages name the host and what to check; never the URL,
/// the user name or the password.
public enum SMTPError: Error, Sendable, Hashable, CustomStringConvertible {
    /// `SMTP_URL` (or `SMTP_CA_FILE`) is unusable.
    case invalidURL(String)
    /// A sender or recipient is not a plain address.
    case invalidAddress(String)
    /// The server could not be reached in time.
    case unreachable(host: String, detail: String)
    /// An `smtp://` server that does not offer STARTTLS.
    case startTLSRefused(host: String)
    /// The TLS handshake or the certificate check failed.
    case tls(host: String, detail: String)
    /// The server refused the user name and password.
    case loginDenied(host: String)
    /// Anything else the server or libcurl said.
    case other(host: String, detail: String)

    /// What failed and what to do.
    public var description: String {
        switch self {
        case .invalidURL(let reason): reason
        case .invalidAddress(let address):
            "\"\(address)\" is not a plain e-mail address (name@example.com): check reports.email.to and from"
        case .unreachable(let host, let detail):
            "the mail server \(host) could not be reached (\(detail)): check SMTP_URL's host and port and the network"
        case .startTLSRefused(let host):
            "the mail server \(host) does not offer STARTTLS, so nothing was sent in clear text: use smtps:// or a server with STARTTLS"
        case .tls(let host, let detail):
            "TLS with the mail server \(host) failed (\(detail)): check its certificate (SMTP_CA_FILE for a private CA)"
        case .loginDenied(let host):
            "the mail server \(host) refused the user name and password in SMTP_URL"
        case .other(let host, let detail):
            "the mail server \(host) did not take the message (\(detail))"
        }
    }
}

/// Sends e-mail on a thread of its own, so libcurl's blocking calls never hold one of Swift's
/// cooperative threads.
public enum SMTPClient {
    /// Sends `message` from `sender` to `recipients` through the server `settings` names.
    public static func send(
        _ message: [UInt8], from sender: String, to recipients: [String], settings: SMTPSettings
    ) async throws(SMTPError) {
        let result: Result<Void, SMTPError> = await withCheckedContinuation { continuation in
            let thread = Thread {
                do throws(SMTPError) {
                    let connection = try SMTPConnection(settings: settings)
                    try connection.send(from: sender, to: recipients, message: message)
                    continuation.resume(returning: .success(()))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
            thread.name = "smtp"
            thread.start()
        }
        try result.get()
    }
}
