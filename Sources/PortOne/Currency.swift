/// An ISO 4217 alpha-3 currency code as PortOne REST spells it (`KRW`, `USD`, …).
///
/// A string wrapper rather than an enum: PortOne lists 181 codes and may add more, and the
/// reconciler only compares codes with its catalog.
public struct Currency: RawRepresentable, Codable, Sendable, Hashable, CustomStringConvertible {
    /// The code, e.g. `KRW`.
    public var rawValue: String
    /// Wraps a code.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// Korean won (no minor unit: 1000 means ₩1,000).
    public static let krw = Currency(rawValue: "KRW")
    /// The code.
    public var description: String { rawValue }
    /// Decodes the code string.
    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }
    /// Encodes the code string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
