import ReconcilerCore
import WireFormat

/// One webhook PortOne sent for a payment: useful to spot missed webhooks.
public struct PaymentWebhook: Codable, Sendable, Hashable {
    /// The delivery outcome of a webhook.
    public enum Status: TolerantEnum {
        /// `SUCCEEDED`.
        case succeeded
        /// `FAILED_NOT_OK_RESPONSE`: the app answered non-2xx.
        case failedNotOkResponse
        /// `FAILED_UNEXPECTED_ERROR`: no answer (timeout, connection).
        case failedUnexpectedError
        /// A status this build does not know.
        case unknown(String)

        /// Maps PortOne's spelling to a case.
        public init(rawString: String) {
            switch rawString {
            case "SUCCEEDED": self = .succeeded
            case "FAILED_NOT_OK_RESPONSE": self = .failedNotOkResponse
            case "FAILED_UNEXPECTED_ERROR": self = .failedUnexpectedError
            default: self = .unknown(rawString)
            }
        }

        /// PortOne's spelling.
        public var rawString: String {
            switch self {
            case .succeeded: return "SUCCEEDED"
            case .failedNotOkResponse: return "FAILED_NOT_OK_RESPONSE"
            case .failedUnexpectedError: return "FAILED_UNEXPECTED_ERROR"
            case .unknown(let raw): return raw
            }
        }
    }

    /// Webhook id.
    public var id: String
    /// Target URL (absent for V1 payments).
    public var url: String?
    /// Delivery outcome.
    public var status: Status?
    /// The payment status the webhook announced (raw PortOne spelling).
    public var paymentStatus: PaymentStatus?
    /// What triggered it (raw PortOne spelling, e.g. `ASYNC_PAY_APPROVED`).
    public var trigger: String?
    /// Asynchronous webhook.
    public var isAsync: Bool?
    /// Deliveries so far.
    public var currentExecutionCount: Int?
    /// Maximum deliveries.
    public var maxExecutionCount: Int?
    /// HTTP status code the app answered, as text.
    public var responseCode: String?
    /// When the delivery started.
    public var triggeredAt: RFC3339.Timestamp?

    /// Creates a webhook record.
    public init(id: String, url: String? = nil, status: Status? = nil) {
        self.id = id
        self.url = url
        self.status = status
    }

    private enum CodingKeys: String, CodingKey {
        case id, url, status, paymentStatus, trigger, isAsync, currentExecutionCount, maxExecutionCount, response
        case triggeredAt, code
    }

    /// Decodes tolerantly.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        url = try c.decodeIfPresent(String.self, forKey: .url)
        status = try c.decodeIfPresent(Status.self, forKey: .status)
        paymentStatus = try c.decodeIfPresent(PaymentStatus.self, forKey: .paymentStatus)
        trigger = try c.decodeIfPresent(String.self, forKey: .trigger)
        isAsync = try c.decodeIfPresent(Bool.self, forKey: .isAsync)
        currentExecutionCount = try c.decodeIfPresent(Int.self, forKey: .currentExecutionCount)
        maxExecutionCount = try c.decodeIfPresent(Int.self, forKey: .maxExecutionCount)
        if c.contains(.response), try !c.decodeNil(forKey: .response) {
            responseCode = try c.nestedContainer(keyedBy: CodingKeys.self, forKey: .response)
                .decodeIfPresent(String.self, forKey: .code)
        }
        triggeredAt = try c.decodeTimestampIfPresent(forKey: .triggeredAt)
    }

    /// Encodes PortOne's shape (`response.code` for the answer's status).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encodeIfPresent(url, forKey: .url)
        try c.encodeIfPresent(status, forKey: .status)
        try c.encodeIfPresent(paymentStatus, forKey: .paymentStatus)
        try c.encodeIfPresent(trigger, forKey: .trigger)
        try c.encodeIfPresent(isAsync, forKey: .isAsync)
        try c.encodeIfPresent(currentExecutionCount, forKey: .currentExecutionCount)
        try c.encodeIfPresent(maxExecutionCount, forKey: .maxExecutionCount)
        if let responseCode {
            var response = c.nestedContainer(keyedBy: CodingKeys.self, forKey: .response)
            try response.encode(responseCode, forKey: .code)
        }
        try c.encodeIfPresent(triggeredAt, forKey: .triggeredAt)
    }
}
