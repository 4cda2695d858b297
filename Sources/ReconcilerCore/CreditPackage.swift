import Foundation

/// A credit package the shop sells: a catalog entry of the configuration.
///
/// Prices are integer amounts in the currency's minor unit (KRW has none: 10000 is ₩10,000).
/// `validFrom`/`validUntil` bound the period in which this price was in force, so a payment is
/// checked against the price of the day it was requested.
public struct CreditPackage: Sendable, Hashable, Codable {
    /// The id the web app puts in `customData.packageId`, e.g. `starter`.
    public var id: String
    /// The display name, which the web app also uses as the payment's `orderName`.
    public var name: String
    /// Price in the currency's minor unit.
    public var price: Int64
    /// ISO 4217 alpha-3 code, e.g. `KRW`.
    public var currency: String
    /// Credits granted for one purchase.
    public var credits: Int64
    /// First instant this entry is in force (inclusive); nil: since always.
    public var validFrom: Date?
    /// Instant this entry stops being in force (exclusive); nil: still in force.
    public var validUntil: Date?

    /// Creates a catalog entry.
    public init(
        id: String, name: String, price: Int64, currency: String, credits: Int64,
        validFrom: Date? = nil, validUntil: Date? = nil
    ) {
        self.id = id
        self.name = name
        self.price = price
        self.currency = currency
        self.credits = credits
        self.validFrom = validFrom
        self.validUntil = validUntil
    }

    /// Whether this entry was in force at `instant`.
    public func isValid(at instant: Date) -> Bool {
        if let validFrom, instant < validFrom { return false }
        if let validUntil, instant >= validUntil { return false }
        return true
    }
}
