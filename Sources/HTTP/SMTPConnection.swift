import CCurl
import Foundation

/// Sends one e-mail through libcurl's SMTP (the report e-mail of DESIGN §7).
///
/// `smtps://` speaks TLS from the first byte; `smtp://` must upgrade with STARTTLS
/// (`CURLUSESSL_ALL`): a server that does not offer it gets no message, so neither the
/// password nor the report crosses the network in clear text. Certificates are verified.
///
/// Blocking and not thread-safe: ``SMTPClient`` runs it on a thread of its own.
public final class SMTPConnection {
    private let easy: CurlEasy
    private var handle: UnsafeMutableRawPointer { easy.handle }
    private let settings: SMTPSettings

    /// Creates a handle for `settings`.
    public init(settings: SMTPSettings) throws(SMTPError) {
        guard let easy = CurlEasy() else {
            throw .other(host: settings.host, detail: "libcurl could not be initialised")
        }
        self.easy = easy
        self.settings = settings
    }

    /// Sends `message` (a complete RFC 5322 message with CRLF line ends) from `sender` to
    /// every address of `recipients`.
    public func send(from sender: String, to recipients: [String], message: [UInt8]) throws(SMTPError) {
        for address in [sender] + recipients where !SMTPSettings.isEnvelopeAddress(address) {
            throw .invalidAddress(String(address.prefix(80)))
        }
        guard !recipients.isEmpty else { throw .invalidAddress("(no recipient)") }
        let upload = Unmanaged.passRetained(MailUpload(bytes: message))
        defer { upload.release() }
        var recipientList: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(recipientList) }
        for address in recipients {
            recipientList = curl_slist_append(recipientList, "<\(address)>")
        }
        let timeout = CurlEasy.milliseconds(settings.timeout)
        var steps: [() -> CURLcode] = [
            { self.easy.reset() },
            { cr_curl_setopt_long(self.handle, CURLOPT_NOSIGNAL, 1) },
            { cr_curl_setopt_string(self.handle, CURLOPT_URL, self.settings.url) },
            { cr_curl_setopt_string(self.handle, CURLOPT_PROTOCOLS_STR, "smtp,smtps") },
            // STARTTLS required for smtp://; smtps:// is TLS already.
            { cr_curl_setopt_long(self.handle, CURLOPT_USE_SSL, Int(CURLUSESSL_ALL.rawValue)) },
            { cr_curl_setopt_long(self.handle, CURLOPT_SSL_VERIFYPEER, 1) },
            { cr_curl_setopt_long(self.handle, CURLOPT_SSL_VERIFYHOST, 2) },
            { cr_curl_setopt_long(self.handle, CURLOPT_CONNECTTIMEOUT_MS, min(timeout, 15_000)) },
            { cr_curl_setopt_long(self.handle, CURLOPT_TIMEOUT_MS, timeout) },
            { cr_curl_setopt_string(self.handle, CURLOPT_MAIL_FROM, "<\(sender)>") },
            { cr_curl_setopt_slist(self.handle, CURLOPT_MAIL_RCPT, recipientList) },
            { cr_curl_setopt_long(self.handle, CURLOPT_UPLOAD, 1) },
            { cr_curl_setopt_off_t(self.handle, CURLOPT_INFILESIZE_LARGE, curl_off_t(message.count)) },
            { cr_curl_setopt_read_function(self.handle, curlReadMessage) },
            { cr_curl_setopt_pointer(self.handle, CURLOPT_READDATA, upload.toOpaque()) },
        ]
        if let caFile = settings.caFile {
            steps.append { cr_curl_setopt_string(self.handle, CURLOPT_CAINFO, caFile) }
        }
        var code = CurlEasy.apply(steps)
        if code == CURLE_OK {
            code = curl_easy_perform(handle)
        }
        guard code == CURLE_OK else { throw failure(code) }
    }

    private func failure(_ code: CURLcode) -> SMTPError {
        let detail = settings.redacting(easy.detail(code))
        let host = settings.host
        switch code {
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_OPERATION_TIMEDOUT:
            return .unreachable(host: host, detail: detail)
        case CURLE_USE_SSL_FAILED:
            return .startTLSRefused(host: host)
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE,
            CURLE_SSL_CERTPROBLEM, CURLE_SSL_ISSUER_ERROR:
            return .tls(host: host, detail: detail)
        case CURLE_LOGIN_DENIED:
            return .loginDenied(host: host)
        default:
            return .other(host: host, detail: detail)
        }
    }
}

@available(*, unavailable) extension SMTPConnection: Sendable {}

/// The message being uploaded, reached by libcurl's read callback through its user data.
final class MailUpload {
    /// The whole message.
    let bytes: [UInt8]
    /// How much of it libcurl has read.
    var offset = 0

    /// Creates the upload state for `bytes`.
    init(bytes: [UInt8]) { self.bytes = bytes }
}

/// libcurl read callback: hands out the next piece of the message; 0 ends the upload.
private func curlReadMessage(
    _ buffer: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?
) -> Int {
    guard let buffer, let context else { return 0 }
    let upload = Unmanaged<MailUpload>.fromOpaque(context).takeUnretainedValue()
    let length = min(size * count, upload.bytes.count - upload.offset)
    guard length > 0 else { return 0 }
    upload.bytes.withUnsafeBytes { raw in
        UnsafeMutableRawPointer(buffer).copyMemory(from: raw.baseAddress! + upload.offset, byteCount: length)
    }
    upload.offset += length
    return length
}
