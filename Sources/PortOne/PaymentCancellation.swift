import ReconcilerCore
import WireFormat

/// One cancellation (refund) of a payment. Only ``Status-swift.enum/succeeded`` means money went
/// back; `REQUESTED` ones are asynchronous and may still fail.
public struct PaymentCancellation: Codable, Sendable, Hashable {
    /// The `status` discriminator of a cancellation.
    public enum Status: TolerantEnum {
        /// `REQUESTED`: asked of the PG, not done yet.
        case requested
        /// `FAILED`: the PG refused; no money moved.
        case failed
        /// `SUCCEEDED`: the money went back.
        case succeeded
        /// A status this build does not know.
        case unknown(String)

        /// Maps PortOne's spelling to a case.
        public init(rawString: String) {
            switch rawString {
            case "REQUESTED": self = .requested
            case "FAILED": self = .failed
            case "SUCCEEDED": self = .succeeded
            default: self = .unknown(rawString)
            }
        }

        /// PortOne's spelling.
        public var rawString: String {
            switch self {
            case .requested: return "REQUESTED"
            case .failed: return "FAILED"
            case .succeeded: return "SUCCEEDED"
            case .unknown(let raw): return raw
            }
        }
    }

    /// Who or what started a cancellation.
    public enum Trigger: TolerantEnum {
        /// `CONSOLE`: the PortOne console.
        case console
        /// `API`: the cancel API.
        case api
        /// `PORTONE_ADMIN`: PortOne staff.
        case portoneAdmin
        /// `CHARGEBACK`: a card dispute; money left all the same.
        case chargeback
        /// A trigger this build does not know.
        case unknown(String)

        /// Maps PortOne's spelling to a case.
        public init(rawString: String) {
            switch rawString {
            case "CONSOLE": self = .console
            case "API": self = .api
            case "PORTONE_ADMIN": self = .portoneAdmin
            case "CHARGEBACK": self = .chargeback
            default: self = .unknown(rawString)
            }
        }

        /// PortOne's spelling.
        public var rawString: String {
            switch self {
            case .console: return "CONSOLE"
            case .api: return "API"
            case .portoneAdmin: return "PORTONE_ADMIN"
            case .chargeback: return "CHARGEBACK"
            case .unknown(let raw): return raw
            }
        }
    }

    /// The cancellation's state.
    public var status: Status
    /// Cancellation id (equals `data.cancellationId` of cancel webhooks); deduct credits per id.
    public var id: String
    /// The PG's id of the cancellation.
    public var pgCancellationId: String?
    /// Cancelled amount.
    public var totalAmount: Int64
    /// Tax-free part.
    public var taxFreeAmount: Int64
    /// VAT part.
    public var vatAmount: Int64
    /// Refunded accumulated-point amount.
    public var easyPayDiscountAmount: Int64?
    /// Reason given.
    public var reason: String
    /// When it was requested.
    public var requestedAt: RFC3339.Timestamp
    /// When it completed (optional even for SUCCEEDED).
    public var cancelledAt: RFC3339.Timestamp?
    /// Cancellation receipt (SUCCEEDED only).
    public var receiptUrl: String?
    /// Who started it.
    public var trigger: Trigger?

    /// Creates a cancellation record.
    public init(
        status: Status, id: String, totalAmount: Int64, taxFreeAmount: Int64 = 0, vatAmount: Int64 = 0,
        reason: String, requestedAt: RFC3339.Timestamp, cancelledAt: RFC3339.Timestamp? = nil,
        trigger: Trigger? = nil
    ) {
        self.status = status
        self.id = id
        self.totalAmount = totalAmount
        self.taxFreeAmount = taxFreeAmount
        self.vatAmount = vatAmount
        self.reason = reason
        self.requestedAt = requestedAt
        self.cancelledAt = cancelledAt
        self.trigger = trigger
    }

    private enum CodingKeys: String, CodingKey {
        case status, id, pgCancellationId, totalAmount, taxFreeAmount, vatAmount, easyPayDiscountAmount
        case reason, requestedAt, cancelledAt, receiptUrl, trigger
    }

    /// Decodes tolerantly: unknown fields ignored, unknown status and trigger kept.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        status = try c.decode(Status.self, forKey: .status)
        id = try c.decode(String.self, forKey: .id)
        pgCancellationId = try c.decodeIfPresent(String.self, forKey: .pgCancellationId)
        totalAmount = try c.decode(Int64.self, forKey: .totalAmount)
        taxFreeAmount = try c.decodeIfPresent(Int64.self, forKey: .taxFreeAmount) ?? 0
        vatAmount = try c.decodeIfPresent(Int64.self, forKey: .vatAmount) ?? 0
        easyPayDiscountAmount = try c.decodeIfPresent(Int64.self, forKey: .easyPayDiscountAmount)
        reason = try c.decodeIfPresent(String.self, forKey: .reason) ?? ""
        requestedAt = try c.decodeTimestamp(forKey: .requestedAt)
        cancelledAt = try c.decodeTimestampIfPresent(forKey: .cancelledAt)
        receiptUrl = try c.decodeIfPresent(String.self, forKey: .receiptUrl)
        trigger = try c.decodeIfPresent(Trigger.self, forKey: .trigger)
    }
}
