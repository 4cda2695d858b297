import Foundation

/// A small MIME reader for the tests (report e-mail): headers, multipart bodies, base64 and RFC 2047 words.
public enum MIMEReader {
    /// A message or a part: its header fields (names lower-cased, folded lines joined) and body.
    public struct Part {
        /// The header fields.
        public var headers: [String: String]
        /// The body as sent.
        public var body: String
    }

    /// Splits a message or part into its (unfolded, lower-cased name) headers and body.
    public static func split(_ text: String) -> Part {
        let separator = text.range(of: "\r\n\r\n")!
        var headers: [String: String] = [:]
        var last = ""
        for line in text[..<separator.lowerBound].components(separatedBy: "\r\n") {
            if line.hasPrefix(" ") || line.hasPrefix("\t") {
                headers[last, default: ""] +=
                    (headers[last]?.hasSuffix(";") == true ? " " : "")
                    + line.trimmingCharacters(in: .whitespaces)
            } else if let colon = line.firstIndex(of: ":") {
                last = line[..<colon].lowercased()
                headers[last] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
        }
        return Part(headers: headers, body: String(text[separator.upperBound...]))
    }

    /// The boundary parameter of a multipart content type.
    public static func boundary(_ contentType: String) -> String {
        let range = contentType.range(of: "boundary=\"")!
        return String(contentType[range.upperBound...].prefix { $0 != "\"" })
    }

    /// The parts of a multipart body.
    public static func parts(_ part: Part) -> [Part] {
        let boundary = boundary(part.headers["content-type"]!)
        let pieces = part.body.components(separatedBy: "--\(boundary)")
        // pieces[0] is the preamble; the last starts with "--" (the close delimiter).
        return pieces.dropFirst().filter { !$0.hasPrefix("--") }.map { split(String(Substring($0.utf8.dropFirst(2)))) }
    }

    /// The base64 body decoded.
    public static func decodedBody(_ part: Part) -> [UInt8] {
        let joined = part.body.components(separatedBy: "\r\n").joined()
        return Array(Data(base64Encoded: joined)!)
    }

    /// Decodes RFC 2047 `B` words (adjacent words join without the folding space).
    public static func decodeWords(_ header: String) -> String {
        var bytes: [UInt8] = []
        var rest = Substring(header)
        while let start = rest.range(of: "=?UTF-8?B?") {
            let end = rest[start.upperBound...].range(of: "?=")!
            bytes += Data(base64Encoded: String(rest[start.upperBound..<end.lowerBound]))!
            rest = rest[end.upperBound...]
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
