import Foundation

/// An e-mail as RFC 5322 and MIME (RFC 2045–2047) want it, built without I/O: the report
/// e-mail of DESIGN §7 is `multipart/mixed` holding a `multipart/alternative` (the text and
/// the HTML version) and the attachments. Every body is UTF-8 in base64 with lines of at most
/// 76 characters, and a subject outside ASCII is written as RFC 2047 encoded words, so the
/// message is 7-bit clean whatever the locale.
public struct MailMessage: Sendable, Equatable {
    /// One attached file.
    public struct Attachment: Sendable, Equatable {
        /// The file name the reader sees (ASCII, e.g. `run-12.csv`).
        public var fileName: String
        /// Its media type, e.g. `text/csv; charset=utf-8`.
        public var contentType: String
        /// Its bytes.
        public var content: [UInt8]

        /// Creates an attachment.
        public init(fileName: String, contentType: String, content: [UInt8]) {
            self.fileName = fileName
            self.contentType = contentType
            self.content = content
        }
    }

    /// The sender address.
    public var from: String
    /// The recipient addresses.
    public var to: [String]
    /// The subject, in any script.
    public var subject: String
    /// The plain-text version.
    public var text: String
    /// The HTML version.
    public var html: String
    /// The attached files.
    public var attachments: [Attachment]
    /// When it was written.
    public var date: Date
    /// A unique id, without angle brackets (`run-12.4f2a@host`).
    public var messageId: String

    /// Creates a message.
    public init(
        from: String, to: [String], subject: String, text: String, html: String, attachments: [Attachment],
        date: Date, messageId: String
    ) {
        self.from = from
        self.to = to
        self.subject = subject
        self.text = text
        self.html = html
        self.attachments = attachments
        self.date = date
        self.messageId = messageId
    }

    /// The message as sent: header fields, then the MIME parts, CRLF line ends, ASCII only.
    public func rendered() -> String {
        // Base64 never holds "=_", so no body line can look like a boundary.
        let boundaryBase =
            "=_credit-reconciler_" + String(messageId.utf8.reduce(UInt64(5381)) { ($0 &* 33) ^ UInt64($1) }, radix: 36)
        let mixed = boundaryBase + "_mixed"
        let alternative = boundaryBase + "_alt"
        var lines: [String] = [
            "Date: \(Self.dateField(date))",
            "From: \(from)",
            "To: \(to.joined(separator: ",\r\n "))",
            "Message-ID: <\(messageId)>",
            "Subject: \(Self.encodedWords(subject))",
            "MIME-Version: 1.0",
            "Content-Type: multipart/mixed;\r\n boundary=\"\(mixed)\"",
            "",
            "This is a MIME message.",
            "--\(mixed)",
            "Content-Type: multipart/alternative;\r\n boundary=\"\(alternative)\"",
            "",
        ]
        lines += Self.part("text/plain; charset=utf-8", Array(text.utf8), boundary: alternative)
        lines += Self.part("text/html; charset=utf-8", Array(html.utf8), boundary: alternative)
        lines.append("--\(alternative)--")
        lines.append("")
        for attachment in attachments {
            let name = Self.safeFileName(attachment.fileName)
            lines += Self.part(
                attachment.contentType, attachment.content, boundary: mixed,
                disposition: "attachment; filename=\"\(name)\"")
        }
        lines.append("--\(mixed)--")
        lines.append("")
        return lines.joined(separator: "\r\n")
    }

    private static func part(_ contentType: String, _ content: [UInt8], boundary: String, disposition: String? = nil)
        -> [String]
    {
        var lines = ["--\(boundary)", "Content-Type: \(contentType)", "Content-Transfer-Encoding: base64"]
        if let disposition { lines.append("Content-Disposition: \(disposition)") }
        lines.append("")
        lines += base64Lines(content)
        lines.append("")
        return lines
    }

    /// `content` in base64, 76 characters a line (RFC 2045 §6.8).
    static func base64Lines(_ content: [UInt8]) -> [String] {
        let encoded = Data(content).base64EncodedString()
        var lines: [String] = []
        var start = encoded.startIndex
        while start < encoded.endIndex {
            let end = encoded.index(start, offsetBy: 76, limitedBy: encoded.endIndex) ?? encoded.endIndex
            lines.append(String(encoded[start..<end]))
            start = end
        }
        return lines
    }

    /// `text` as it may stand in a header: itself when printable ASCII, else RFC 2047 `B`
    /// encoded words of at most 75 characters, each holding whole characters, folded onto
    /// continuation lines.
    public static func encodedWords(_ text: String) -> String {
        let plain = text.utf8.allSatisfy { $0 >= 32 && $0 < 127 } && !text.contains("=?") && text.utf8.count <= 900
        if plain { return text }
        // 39 bytes are 52 base64 characters, 64 with "=?UTF-8?B?" and "?=": "Subject: " and a word
        // stay within 78 characters, every word within RFC 2047's 75.
        var words: [String] = []
        var chunk: [UInt8] = []
        for character in text {
            let bytes = Array(String(character).utf8.filter { $0 != 13 && $0 != 10 })
            if chunk.count + bytes.count > 39, !chunk.isEmpty {
                words.append("=?UTF-8?B?\(Data(chunk).base64EncodedString())?=")
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append("=?UTF-8?B?\(Data(chunk).base64EncodedString())?=") }
        return words.joined(separator: "\r\n ")
    }

    /// An RFC 5322 date in UTC, e.g. `Fri, 04 Dec 2026 23:53:40 +0000`.
    static func dateField(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday], from: date)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int?) -> String { value.map { $0 < 10 ? "0\($0)" : "\($0)" } ?? "00" }
        return
            "\(days[(parts.weekday ?? 1) - 1]), \(two(parts.day)) \(months[(parts.month ?? 1) - 1]) \(parts.year ?? 1970) "
            + "\(two(parts.hour)):\(two(parts.minute)):\(two(parts.second)) +0000"
    }

    /// A file name reduced to letters, digits, `.`, `-` and `_`.
    static func safeFileName(_ name: String) -> String {
        let kept = name.unicodeScalars.filter {
            $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "._-".unicodeScalars.contains($0))
        }
        return kept.isEmpty ? "attachment" : String(String.UnicodeScalarView(kept))
    }
}
