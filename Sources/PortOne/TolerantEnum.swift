/// A PortOne enumeration decoded tolerantly: values this build does not know become an explicit
/// `unknown(raw)` case instead of failing the whole object (PortOne adds enum values without
/// notice).
public protocol TolerantEnum: Codable, Sendable, Hashable {
    /// Maps a raw value, known or not, to a case.
    init(rawString: String)
    /// The raw value as PortOne spells it.
    var rawString: String { get }
}

extension TolerantEnum {
    /// Decodes the raw string and maps it with ``init(rawString:)``.
    public init(from decoder: any Decoder) throws {
        self.init(rawString: try decoder.singleValueContainer().decode(String.self))
    }

    /// Encodes the raw string (unknown values as received).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawString)
    }
}
