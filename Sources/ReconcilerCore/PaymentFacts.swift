import WireFormat

/// What the reconciler needs to know about one payment, as PortOne's API reported it.
///
/// The PortOne module builds this from its API model; the core decides from it alone, so every
/// rule is tested without HTTP. Amounts are integers in the currency's minor unit.
public struct PaymentFacts: Sendable, Hashable {
    /// The payment's lifecycle status. Unknown values are kept, never guessed.
    public enum Status: Sendable, Hashable {
        /// `READY`
        case ready
        /// `PAY_PENDING`
        case payPending
        /// `VIRTUAL_ACCOUNT_ISSUED`
        case virtualAccountIssued
        /// `PAID`
        case paid
        /// `FAILED`
        case failed
        /// `PARTIAL_CANCELLED`
        case partialCancelled
        /// `CANCELLED`
        case cancelled
        /// A status this build does not know, as PortOne spelled it.
        case unknown(String)
    }

    /// Which channel took the payment.
    public enum Channel: Sendable, Hashable {
        /// A live channel: real money.
        case live
        /// A test channel: no money moved.
        case test
        /// No channel information (PortOne omits it on READY and FAILED payments).
        case unspecified
    }

    /// One cancellation of the payment.
    public struct Cancellation: Sendable, Hashable {
        /// The cancellation's state. Only `succeeded` means money went back.
        public enum Status: Sendable, Hashable {
            /// Asked for; the PG has not confirmed it (may still fail).
            case requested
            /// The PG refused it: no money went back.
            case failed
            /// Money went back to the customer.
            case succeeded
            /// A status this build does not know.
            case unknown(String)
        }

        /// PortOne's cancellation id.
        public var id: String
        /// Its state.
        public var status: Status
        /// The amount cancelled.
        public var totalAmount: Int64
        /// When it was requested.
        public var requestedAt: RFC3339.Timestamp
        /// When it took effect, if PortOne says.
        public var cancelledAt: RFC3339.Timestamp?
        /// Who initiated it (`CONSOLE`, `API`, `PORTONE_ADMIN`, `CHARGEBACK`), if PortOne says.
        public var trigger: String?
        /// The reason given when it was requested (external text), if any.
        public var reason: String?

        /// Creates a cancellation.
        public init(
            id: String, status: Status, totalAmount: Int64, requestedAt: RFC3339.Timestamp,
            cancelledAt: RFC3339.Timestamp? = nil, trigger: String? = nil, reason: String? = nil
        ) {
            self.id = id
            self.status = status
            self.totalAmount = totalAmount
            self.requestedAt = requestedAt
            self.cancelledAt = cancelledAt
            self.trigger = trigger
            self.reason = reason
        }
    }

    /// One webhook PortOne recorded for the payment (`webhooks[]`): which payment status it
    /// announced and how its delivery to the web app went. Every field is optional at PortOne.
    public struct Webhook: Sendable, Hashable {
        /// How the delivery went (`PaymentWebhookStatus`).
        public enum Delivery: Sendable, Hashable {
            /// `SUCCEEDED`: the web app answered 2xx.
            case succeeded
            /// `FAILED_NOT_OK_RESPONSE`: the web app answered, not with 2xx.
            case failedNotOkResponse
            /// `FAILED_UNEXPECTED_ERROR`: no answer (timeout, connection refused, TLS).
            case failedUnexpectedError
            /// A value this build does not know, as PortOne spelled it.
            case unknown(String)
        }

        /// The delivery outcome; nil when PortOne omits it.
        public var delivery: Delivery?
        /// The payment status the webhook announced (PortOne's spelling); nil for V1 payments.
        public var paymentStatus: String?
        /// The HTTP status code the web app answered, as PortOne keeps it (text).
        public var responseCode: String?
        /// Deliveries attempted so far (`currentExecutionCount`).
        public var attempts: Int?
        /// Deliveries PortOne makes at most (`maxExecutionCount`).
        public var maxAttempts: Int?
        /// When the delivery began (`triggeredAt`).
        public var triggeredAt: RFC3339.Timestamp?

        /// Creates a webhook record.
        public init(
            delivery: Delivery?, paymentStatus: String? = "PAID", responseCode: String? = nil, attempts: Int? = nil,
            maxAttempts: Int? = nil, triggeredAt: RFC3339.Timestamp? = nil
        ) {
            self.delivery = delivery
            self.paymentStatus = paymentStatus
            self.responseCode = responseCode
            self.attempts = attempts
            self.maxAttempts = maxAttempts
            self.triggeredAt = triggeredAt
        }
    }

    /// The merchant's payment id (`Payment.id`), the key of the ledger's `paymentId`.
    public var id: String
    /// Its status.
    public var status: Status
    /// The store the payment belongs to.
    public var storeId: String
    /// Whether PortOne reports it as a V1 payment.
    public var isV1: Bool
    /// Live or test channel.
    public var channel: Channel
    /// When the payment was requested: the catalog price in force then applies.
    public var requestedAt: RFC3339.Timestamp
    /// When its current status began.
    public var statusChangedAt: RFC3339.Timestamp
    /// When it was paid, if it ever was.
    public var paidAt: RFC3339.Timestamp?
    /// The order name (the package's display name, as the web app sends it).
    public var orderName: String
    /// ISO 4217 code.
    public var currency: String
    /// `amount.total`: what the order cost.
    public var totalAmount: Int64
    /// `amount.cancelled`: PortOne's running total of cancelled money.
    public var cancelledAmount: Int64
    /// `amount.paid`: the money actually paid (the total less discounts and, once cancelled,
    /// less what went back).
    public var paidAmount: Int64
    /// Every cancellation, whatever its status.
    public var cancellations: [Cancellation]
    /// `customData.userId`, when customData held JSON with it.
    public var customDataUserId: String?
    /// `customData.packageId`, when customData held JSON with it.
    public var customDataPackageId: String?
    /// Why `customData`, though present, cannot be trusted to name the user and the package
    /// (not a JSON object, or `packageId`/`userId` not a string); nil when absent or readable.
    /// Such a payment is never mapped by falling back to `customer.id`, the order name or the
    /// price.
    public var customDataProblem: String?
    /// `customer.id`.
    public var customerId: String?
    /// `customer.email`, for reports.
    public var customerEmail: String?
    /// The webhooks PortOne recorded for the payment, in PortOne's order; empty when PortOne
    /// recorded none (or sent no `webhooks` field).
    public var webhooks: [Webhook]

    /// Creates payment facts.
    public init(
        id: String, status: Status, storeId: String, isV1: Bool = false, channel: Channel = .live,
        requestedAt: RFC3339.Timestamp, statusChangedAt: RFC3339.Timestamp, paidAt: RFC3339.Timestamp? = nil,
        orderName: String, currency: String, totalAmount: Int64, cancelledAmount: Int64 = 0, paidAmount: Int64 = 0,
        cancellations: [Cancellation] = [], customDataUserId: String? = nil, customDataPackageId: String? = nil,
        customDataProblem: String? = nil, customerId: String? = nil, customerEmail: String? = nil,
        webhooks: [Webhook] = []
    ) {
        self.id = id
        self.status = status
        self.storeId = storeId
        self.isV1 = isV1
        self.channel = channel
        self.requestedAt = requestedAt
        self.statusChangedAt = statusChangedAt
        self.paidAt = paidAt
        self.orderName = orderName
        self.currency = currency
        self.totalAmount = totalAmount
        self.cancelledAmount = cancelledAmount
        self.paidAmount = paidAmount
        self.cancellations = cancellations
        self.customDataUserId = customDataUserId
        self.customDataPackageId = customDataPackageId
        self.customDataProblem = customDataProblem
        self.customerId = customerId
        self.customerEmail = customerEmail
        self.webhooks = webhooks
    }
}
