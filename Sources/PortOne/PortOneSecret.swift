import Foundation

/// The PortOne V2 API secret. Prints as `<redacted>` everywhere (description, debug
/// description, `dump`, string interpolation), so it cannot leak into logs or errors by accident.
public struct PortOneSecret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// The secret itself; read only to build the `Authorization` header.
    let value: String

    /// Wraps a secret (from `PORTONE_API_SECRET`, a file or a systemd credential).
    public init(_ value: String) {
        self.value = value.trimmingWhitespace()
    }

    /// True when the secret is empty (after trimming).
    public var isEmpty: Bool { value.isEmpty }

    /// Always `<redacted>`.
    public var description: String { "<redacted>" }
    /// Always `<redacted>`.
    public var debugDescription: String { "<redacted>" }
    /// Hides the value from `dump` and mirrors.
    public var customMirror: Mirror { Mirror(self, children: [:]) }

    /// Replaces every occurrence of the secret in a text (e.g. a server message) by `<redacted>`.
    public func scrub(_ text: String) -> String {
        guard value.count >= 4 else { return text }
        return text.replacingOccurrences(of: value, with: "<redacted>")
    }
}

extension String {
    fileprivate func trimmingWhitespace() -> String {
        var text = Substring(self)
        while let first = text.first, first.isWhitespace { text.removeFirst() }
        while let last = text.last, last.isWhitespace { text.removeLast() }
        return String(text)
    }
}
