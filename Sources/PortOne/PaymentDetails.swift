import ReconcilerCore
import WireFormat

/// Why a payment failed (`FAILED` payments).
public struct PaymentFailure: Codable, Sendable, Hashable {
    /// PortOne's reason.
    public var reason: String?
    /// The PG's failure code.
    public var pgCode: String?
    /// The PG's failure message.
    public var pgMessage: String?

    /// Creates a failure record.
    public init(reason: String? = nil, pgCode: String? = nil, pgMessage: String? = nil) {
        self.reason = reason
        self.pgCode = pgCode
        self.pgMessage = pgMessage
    }
}

/// A card dispute on a `PAID` payment.
public struct Dispute: Codable, Sendable, Hashable {
    /// `UNRESOLVED` or `RESOLVED` (raw).
    public var status: String
    /// The PG's dispute id.
    public var pgDisputeId: String?
    /// Reason.
    public var reason: String?
    /// When it was opened.
    public var createdAt: RFC3339.Timestamp?
    /// When it was resolved.
    public var resolvedAt: RFC3339.Timestamp?

    /// Creates a dispute record.
    public init(
        status: String, pgDisputeId: String? = nil, reason: String? = nil, createdAt: RFC3339.Timestamp? = nil,
        resolvedAt: RFC3339.Timestamp? = nil
    ) {
        self.status = status
        self.pgDisputeId = pgDisputeId
        self.reason = reason
        self.createdAt = createdAt
        self.resolvedAt = resolvedAt
    }

    private enum CodingKeys: String, CodingKey { case status, pgDisputeId, reason, createdAt, resolvedAt }

    /// Decodes tolerantly.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        status = try c.decode(String.self, forKey: .status)
        pgDisputeId = try c.decodeIfPresent(String.self, forKey: .pgDisputeId)
        reason = try c.decodeIfPresent(String.self, forKey: .reason)
        createdAt = try c.decodeTimestampIfPresent(forKey: .createdAt)
        resolvedAt = try c.decodeTimestampIfPresent(forKey: .resolvedAt)
    }
}

/// Where a payment was requested from.
public struct PaymentOrigin: Codable, Sendable, Hashable {
    /// `PC`, `MOBILE` or `API` (raw).
    public var platformType: String?
    /// Browser user agent.
    public var userAgent: String?
    /// Page URL.
    public var url: String?
    /// Client IP address.
    public var ipAddress: String?
}

/// A product line of a payment.
public struct PaymentProduct: Codable, Sendable, Hashable {
    /// The merchant's product id.
    public var id: String
    /// Product name.
    public var name: String
    /// Unit price.
    public var amount: Int64
    /// Quantity.
    public var quantity: Int
}
