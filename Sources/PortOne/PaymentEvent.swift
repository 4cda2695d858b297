import ReconcilerCore
import WireFormat

/// One money movement from `GET /payment-events-by-cursor` (an unstable PortOne endpoint).
public struct PaymentEvent: Sendable, Hashable {
    /// The `type` discriminator of an event.
    public enum Kind: TolerantEnum {
        /// `PAID`.
        case paid
        /// `PARTIAL_CANCELLED`.
        case partialCancelled
        /// `CANCELLED`.
        case cancelled
        /// A type this build does not know.
        case unknown(String)

        /// Maps PortOne's spelling to a case.
        public init(rawString: String) {
            switch rawString {
            case "PAID": self = .paid
            case "PARTIAL_CANCELLED": self = .partialCancelled
            case "CANCELLED": self = .cancelled
            default: self = .unknown(rawString)
            }
        }

        /// PortOne's spelling.
        public var rawString: String {
            switch self {
            case .paid: return "PAID"
            case .partialCancelled: return "PARTIAL_CANCELLED"
            case .cancelled: return "CANCELLED"
            case .unknown(let raw): return raw
            }
        }
    }

    /// What happened.
    public var kind: Kind
    /// Event id.
    public var id: String
    /// The payment it belongs to.
    public var paymentId: String
    /// Attempt id.
    public var transactionId: String
    /// Store id.
    public var storeId: String
    /// PG channel.
    public var channel: SelectedChannel?
    /// API generation.
    public var version: PortOneVersion
    /// When the payment was requested.
    public var requestedAt: RFC3339.Timestamp
    /// When the event happened.
    public var createdAt: RFC3339.Timestamp
    /// Order name.
    public var orderName: String
    /// The payment's amounts.
    public var totalAmount: PaymentAmount
    /// The amount this event moved: positive when paid, negative for cancellations.
    public var eventAmount: Int64
    /// Currency.
    public var currency: Currency
    /// Buyer.
    public var customer: Customer
    /// The raw `customData` string.
    public var customData: String?
    /// The cancellation of a cancel event.
    public var cancellation: PaymentCancellation?
}

extension PaymentEvent: Codable {
    private enum CodingKeys: String, CodingKey {
        case type, id, paymentId, transactionId, storeId, channel, version, requestedAt, createdAt, orderName
        case totalAmount, eventAmount, currency, customer, customData, cancellation
    }

    /// Decodes tolerantly.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        kind = try c.decode(Kind.self, forKey: .type)
        id = try c.decode(String.self, forKey: .id)
        paymentId = try c.decode(String.self, forKey: .paymentId)
        transactionId = try c.decode(String.self, forKey: .transactionId)
        storeId = try c.decode(String.self, forKey: .storeId)
        channel = try c.decodeIfPresent(SelectedChannel.self, forKey: .channel)
        version = try c.decode(PortOneVersion.self, forKey: .version)
        requestedAt = try c.decodeTimestamp(forKey: .requestedAt)
        createdAt = try c.decodeTimestamp(forKey: .createdAt)
        orderName = try c.decode(String.self, forKey: .orderName)
        totalAmount = try c.decode(PaymentAmount.self, forKey: .totalAmount)
        eventAmount = try c.decode(Int64.self, forKey: .eventAmount)
        currency = try c.decode(Currency.self, forKey: .currency)
        customer = try c.decodeIfPresent(Customer.self, forKey: .customer) ?? Customer()
        customData = try c.decodeIfPresent(String.self, forKey: .customData)
        cancellation = try c.decodeIfPresent(PaymentCancellation.self, forKey: .cancellation)
    }

    /// Encodes PortOne's `PaymentEvent` shape (the fields this model keeps).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kind, forKey: .type)
        try c.encode(id, forKey: .id)
        try c.encode(paymentId, forKey: .paymentId)
        try c.encode(transactionId, forKey: .transactionId)
        try c.encode(storeId, forKey: .storeId)
        try c.encodeIfPresent(channel, forKey: .channel)
        try c.encode(version, forKey: .version)
        try c.encode(requestedAt, forKey: .requestedAt)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(orderName, forKey: .orderName)
        try c.encode(totalAmount, forKey: .totalAmount)
        try c.encode(eventAmount, forKey: .eventAmount)
        try c.encode(currency, forKey: .currency)
        try c.encode(customer, forKey: .customer)
        try c.encodeIfPresent(customData, forKey: .customData)
        try c.encodeIfPresent(cancellation, forKey: .cancellation)
    }
}
