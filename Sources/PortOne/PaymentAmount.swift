/// The amounts of a payment, in the currency's minor unit (KRW: won). All integers.
public struct PaymentAmount: Codable, Sendable, Hashable {
    /// Total order amount.
    public var total: Int64
    /// Tax-free portion of `total`.
    public var taxFree: Int64
    /// VAT, when known.
    public var vat: Int64?
    /// Supply value, when known.
    public var supply: Int64?
    /// Total discount (card company, promotion, easy-pay points and coupons).
    public var discount: Int64
    /// Amount actually paid.
    public var paid: Int64
    /// Total cancelled amount.
    public var cancelled: Int64
    /// Tax-free part of `cancelled`.
    public var cancelledTaxFree: Int64

    /// Creates an amount record.
    public init(
        total: Int64, taxFree: Int64 = 0, vat: Int64? = nil, supply: Int64? = nil, discount: Int64 = 0,
        paid: Int64, cancelled: Int64 = 0, cancelledTaxFree: Int64 = 0
    ) {
        self.total = total
        self.taxFree = taxFree
        self.vat = vat
        self.supply = supply
        self.discount = discount
        self.paid = paid
        self.cancelled = cancelled
        self.cancelledTaxFree = cancelledTaxFree
    }
}
