import Foundation
import WireFormat

/// One line per event on standard error: `<N>` journald priority prefixes when systemd
/// captures the stream (`JOURNAL_STREAM`), a UTC timestamp when a person watches a terminal,
/// then the message and `key=value` fields (values quoted when they need it). Every registered
/// secret is replaced by `[redacted]` before the line is written, whatever carried it.
public final class Logger: Sendable {
    /// How important an event is; the raw value is the syslog priority journald reads.
    public enum Level: Int, Sendable, Comparable {
        /// Something failed.
        case error = 3
        /// Something needs a look.
        case warning = 4
        /// A normal but significant event (run start and end).
        case notice = 5
        /// Progress.
        case info = 6
        /// Detail for debugging.
        case debug = 7

        /// Lower raw values are more important.
        public static func < (lhs: Level, rhs: Level) -> Bool { lhs.rawValue > rhs.rawValue }

        var name: String {
            switch self {
            case .error: "error"
            case .warning: "warning"
            case .notice: "notice"
            case .info: "info"
            case .debug: "debug"
            }
        }
    }

    /// How lines are decorated.
    public struct Style: Sendable, Equatable {
        /// `<N>` prefixes for journald.
        public var journald: Bool
        /// A timestamp first (for a terminal; journald stamps lines itself).
        public var timestamps: Bool

        /// Creates a style.
        public init(journald: Bool, timestamps: Bool) {
            self.journald = journald
            self.timestamps = timestamps
        }

        /// The style for this process: journald when `JOURNAL_STREAM` is set, timestamps when
        /// standard error is a terminal.
        public static func detect(environment: [String: String]) -> Style {
            let journald = !(environment["JOURNAL_STREAM"] ?? "").isEmpty
            return Style(journald: journald, timestamps: !journald && isatty(2) == 1)
        }
    }

    /// The decoration.
    public let style: Style
    private let secrets: [String]
    private let write: @Sendable (String) -> Void
    private let clock: @Sendable () -> Date

    /// Creates a logger.
    ///
    /// - Parameters:
    ///   - secrets: strings never to write (API secret, database password...); empty and very
    ///     short strings are ignored, as redacting them would blank out ordinary text.
    ///   - write: receives each finished line with its newline (default: standard error).
    public init(
        style: Style, secrets: [String] = [], clock: @escaping @Sendable () -> Date = { Date() },
        write: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }
    ) {
        self.style = style
        self.secrets = Array(Set(secrets.filter { $0.count >= 4 })).sorted { $0.count > $1.count }
        self.write = write
        self.clock = clock
    }

    /// Writes one event.
    public func log(_ level: Level, _ message: String, _ fields: KeyValuePairs<String, String> = [:]) {
        log(level, message, fields: fields.map { ($0.key, $0.value) })
    }

    /// Writes one event with fields in order.
    public func log(_ level: Level, _ message: String, fields: [(String, String)]) {
        write(line(level, message, fields: fields) + "\n")
    }

    /// The line (without newline) this logger writes for an event.
    public func line(_ level: Level, _ message: String, fields: [(String, String)]) -> String {
        var text = ""
        if style.journald { text += "<\(level.rawValue)>" }
        if style.timestamps {
            text += Self.timestamp(clock()) + " "
        }
        if !style.journald { text += level.name + " " }
        text += singleLine(message)
        for (key, value) in fields {
            text += " " + key + "=" + Self.quoted(value)
        }
        return redact(text)
    }

    /// `text` with every registered secret (and its percent-encoded form) replaced.
    public func redact(_ text: String) -> String {
        var result = text
        for secret in secrets {
            result = result.replacingOccurrences(of: secret, with: "[redacted]")
            if let encoded = secret.addingPercentEncoding(withAllowedCharacters: .alphanumerics), encoded != secret {
                result = result.replacingOccurrences(of: encoded, with: "[redacted]")
            }
        }
        return result
    }

    /// A field value as written: bare when it is a plain token, else in double quotes with `"`,
    /// `\` and control characters escaped.
    public static func quoted(_ value: String) -> String {
        let plain =
            !value.isEmpty
            && value.unicodeScalars.allSatisfy { scalar in
                scalar.value > 0x20 && scalar != "\"" && scalar != "=" && scalar != "\\" && scalar.value != 0x7F
            }
        if plain { return value }
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += "\\u{" + String(scalar.value, radix: 16) + "}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    private func singleLine(_ text: String) -> String {
        text.replacingOccurrences(of: "\r\n", with: " ").replacingOccurrences(of: "\n", with: " ")
            .replacingOccurrences(of: "\r", with: " ")
    }

    static func timestamp(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        let seconds = milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000
        let fraction = milliseconds - seconds * 1000
        return RFC3339.format(
            RFC3339.Timestamp(secondsSinceEpoch: seconds, nanoseconds: fraction * 1_000_000), fraction: .milliseconds)
    }
}
