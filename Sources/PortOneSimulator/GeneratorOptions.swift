import ReconcilerCore

/// What the data generator produces: size, seed, window and the share of each kind of payment.
///
/// Shares are probabilities per payment (0...1); they only steer the data mix, never money.
public struct GeneratorOptions: Sendable, Hashable {
    /// Number of payments.
    public var count: Int
    /// The seed: the same options give the same data set, byte for byte.
    public var seed: UInt64
    /// First instant of the request-time window (inclusive).
    public var from: Timestamp
    /// End of the window (exclusive); no event is generated at or after it.
    public var until: Timestamp
    /// The store id every payment belongs to.
    public var storeId: String
    /// The merchant id every payment belongs to.
    public var merchantId: String
    /// Number of distinct buyers; nil: about one per four payments.
    public var userCount: Int?
    /// Share of FAILED payments.
    public var failedRate: Double = 0.06
    /// Share of READY (abandoned) payments.
    public var readyRate: Double = 0.04
    /// Share of PAY_PENDING payments.
    public var payPendingRate: Double = 0.005
    /// Share of VIRTUAL_ACCOUNT_ISSUED payments.
    public var virtualAccountRate: Double = 0.005
    /// Share of paid payments later fully cancelled.
    public var cancelRate: Double = 0.04
    /// Share of paid payments partially cancelled (one to three times).
    public var partialCancelRate: Double = 0.03
    /// Share of paid payments with a REQUESTED or FAILED cancellation (not a refund).
    public var pendingCancellationRate: Double = 0.01
    /// Share of payments on a test channel.
    public var testRate: Double = 0.02
    /// Share of V1 payments.
    public var v1Rate: Double = 0.005
    /// Share of payments whose amount does not match the package price.
    public var amountMismatchRate: Double = 0.003
    /// Share of payments without `customData`.
    public var missingCustomDataRate: Double = 0.05
    /// The catalog the shop sells (ARCHITECTURE §6.1).
    public var catalog: [CreditPackage]

    /// The catalog of ARCHITECTURE §6.1.
    public static let defaultCatalog: [CreditPackage] = [
        CreditPackage(id: "starter", name: "스타터", price: 10000, currency: "KRW", credits: 100),
        CreditPackage(id: "basic", name: "베이직", price: 30000, currency: "KRW", credits: 330),
        CreditPackage(id: "pro", name: "프로", price: 50000, currency: "KRW", credits: 600),
        CreditPackage(id: "business", name: "비즈니스", price: 100000, currency: "KRW", credits: 1300),
    ]

    /// The default store id of the simulator contract.
    public static let defaultStoreId = "store-00000000-0000-4000-8000-000000000001"
    /// The default merchant id.
    public static let defaultMerchantId = "merchant-7d3c1f52-8a4e-4b1a-9c6d-2e5f8a9b0c11"

    /// Creates options; the window defaults to the 30 days ending `until`.
    public init(
        count: Int, seed: UInt64, from: Timestamp? = nil, until: Timestamp? = nil,
        storeId: String = GeneratorOptions.defaultStoreId,
        merchantId: String = GeneratorOptions.defaultMerchantId,
        catalog: [CreditPackage] = GeneratorOptions.defaultCatalog
    ) {
        let end = until ?? Timestamp.now(fractionDigits: 3)
        self.count = count
        self.seed = seed
        self.until = end
        self.from = from ?? end.adding(nanoseconds: -30 * 86_400 * 1_000_000_000)
        self.storeId = storeId
        self.merchantId = merchantId
        self.catalog = catalog
    }
}
