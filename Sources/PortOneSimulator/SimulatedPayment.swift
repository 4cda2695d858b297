/// A PortOne V2 `Payment` as the simulator holds it: every field the simulator generates or
/// accepts, in the shape of the OpenAPI document (`#/components/schemas/Payment` and its
/// variants). Rendering (`SimulatedPayment+JSON.swift`) writes only the fields the current
/// status variant defines and always writes the variant's required fields.
public struct SimulatedPayment: Sendable, Hashable, Decodable {
    /// `Payment.status` (the discriminator). Unknown values are kept as they are.
    public var status: PaymentStatus
    /// The merchant's payment id.
    public var id: String
    /// PortOne's id of the payment attempt (V1: imp_uid).
    public var transactionId: String
    /// The merchant id.
    public var merchantId: String
    /// The store id.
    public var storeId: String
    /// The payment method.
    public var method: Method?
    /// The channel used (required for PAY_PENDING, VA_ISSUED, PAID and the cancelled variants).
    public var channel: Channel?
    /// The channel group.
    public var channelGroup: ChannelGroup?
    /// `V1` or `V2`.
    public var version: String
    /// Webhook deliveries.
    public var webhooks: [Webhook]?
    /// When the payment was requested (creation time).
    public var requestedAt: Timestamp
    /// Last update.
    public var updatedAt: Timestamp
    /// When the current status was reached.
    public var statusChangedAt: Timestamp
    /// Order name (the package name).
    public var orderName: String
    /// Amount details.
    public var amount: Amount
    /// ISO 4217 code.
    public var currency: String
    /// The buyer.
    public var customer: Customer
    /// Where the payment came from (required by the document; optional here for tolerance).
    public var origin: Origin?
    /// Products.
    public var products: [Product]?
    /// Number of products.
    public var productCount: Int64?
    /// The merchant's custom data (a JSON string).
    public var customData: String?
    /// Country code.
    public var country: String?
    /// Promotion id.
    public var promotionId: String?
    /// Cultural-expense flag.
    public var isCulturalExpense: Bool?
    /// When the payment was paid.
    public var paidAt: Timestamp?
    /// The PG's transaction id.
    public var pgTxId: String?
    /// The PG's raw response.
    public var pgResponse: String?
    /// `ISSUED` or `NOT_ISSUED`.
    public var cashReceiptIssuanceStatus: String?
    /// Receipt URL.
    public var receiptUrl: String?
    /// Disputes (required on PAID).
    public var disputes: [Dispute]?
    /// Cancellations (required on PARTIAL_CANCELLED and CANCELLED).
    public var cancellations: [Cancellation]?
    /// When the payment failed.
    public var failedAt: Timestamp?
    /// Failure details.
    public var failure: Failure?
    /// When the (last) cancellation happened.
    public var cancelledAt: Timestamp?

    /// `Payment.status` values, open to values the simulator does not know.
    public struct PaymentStatus: RawRepresentable, Sendable, Hashable, Decodable, CaseIterable {
        /// The wire value.
        public var rawValue: String
        /// Creates a status from its wire value.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// Payment window opened.
        public static let ready = PaymentStatus(rawValue: "READY")
        /// Approval pending.
        public static let payPending = PaymentStatus(rawValue: "PAY_PENDING")
        /// Virtual account issued, waiting for deposit.
        public static let virtualAccountIssued = PaymentStatus(rawValue: "VIRTUAL_ACCOUNT_ISSUED")
        /// Paid.
        public static let paid = PaymentStatus(rawValue: "PAID")
        /// Failed.
        public static let failed = PaymentStatus(rawValue: "FAILED")
        /// Partially cancelled.
        public static let partialCancelled = PaymentStatus(rawValue: "PARTIAL_CANCELLED")
        /// Fully cancelled.
        public static let cancelled = PaymentStatus(rawValue: "CANCELLED")
        /// The statuses of the OpenAPI document.
        public static let allCases: [PaymentStatus] = [
            .ready, .payPending, .virtualAccountIssued, .paid, .failed, .partialCancelled, .cancelled,
        ]
        /// The value of `PaymentFilterInput.status` for this status (`PENDING` for PAY_PENDING).
        public var filterValue: String { self == .payPending ? "PENDING" : rawValue }
        /// A compact code for indexes (0...6 known, 7 unknown).
        public var code: UInt8 { UInt8(PaymentStatus.allCases.firstIndex(of: self) ?? 7) }
        /// Decodes from JSON (see the type's documentation for the rules).
        public init(from decoder: Decoder) throws {
            rawValue = try decoder.singleValueContainer().decode(String.self)
        }
    }

    /// `PaymentMethod`: discriminated by `type` (the schema name).
    public struct Method: Sendable, Hashable, Decodable {
        /// E.g. `PaymentMethodEasyPay`.
        public var type: String
        /// EasyPay provider, e.g. `KAKAOPAY`.
        public var provider: String?
        /// The method inside an easy pay.
        public var easyPayMethod: EasyPayMethod?
        /// Card details (PaymentMethodCard).
        public var card: Card?
        /// Card approval number.
        public var approvalNumber: String?
        /// Installment (PaymentMethodCard).
        public var installment: Installment?
        /// Bank (transfer / virtual account).
        public var bank: String?
        /// Account number (virtual account: required).
        public var accountNumber: String?
        /// Remittee name (virtual account).
        public var remitteeName: String?
        /// Virtual account expiry (a date-time string).
        public var expiredAt: String?
        /// Virtual account issue time (a date-time string).
        public var issuedAt: String?
    }

    /// `PaymentMethodEasyPayMethod`: discriminated by `type`.
    public struct EasyPayMethod: Sendable, Hashable, Decodable {
        /// `PaymentMethodCard`, `PaymentMethodTransfer` or `PaymentMethodEasyPayMethodCharge`.
        public var type: String
        /// Card details.
        public var card: Card?
        /// Approval number.
        public var approvalNumber: String?
        /// Installment.
        public var installment: Installment?
        /// Whether card points were used.
        public var pointUsed: Bool?
        /// Bank (transfer / charge).
        public var bank: String?
    }

    /// `Card`.
    public struct Card: Sendable, Hashable, Decodable {
        /// Publisher code.
        public var publisher: String?
        /// Issuer code.
        public var issuer: String?
        /// `CardBrand`.
        public var brand: String?
        /// `CardType`.
        public var type: String?
        /// `CardOwnerType`.
        public var ownerType: String?
        /// BIN.
        public var bin: String?
        /// Card product name.
        public var name: String?
        /// Masked number.
        public var number: String?
    }

    /// `PaymentInstallment`.
    public struct Installment: Sendable, Hashable, Decodable {
        /// Months.
        public var month: Int64
        /// Interest free.
        public var isInterestFree: Bool
    }

    /// `SelectedChannel`.
    public struct Channel: Sendable, Hashable, Decodable {
        /// `LIVE` or `TEST`.
        public var type: String
        /// Channel id.
        public var id: String?
        /// Channel key.
        public var key: String?
        /// Channel name.
        public var name: String?
        /// `PgProvider`.
        public var pgProvider: String
        /// The PG's merchant id.
        public var pgMerchantId: String
    }

    /// `ChannelGroupSummary`.
    public struct ChannelGroup: Sendable, Hashable, Decodable {
        /// Group id.
        public var id: String
        /// Group name.
        public var name: String
        /// Test group.
        public var isForTest: Bool
    }

    /// `PaymentWebhook`.
    public struct Webhook: Sendable, Hashable, Decodable {
        /// Payment status the webhook was sent for.
        public var paymentStatus: String?
        /// Webhook id.
        public var id: String
        /// `PaymentWebhookStatus`.
        public var status: String?
        /// Target URL.
        public var url: String
        /// Sent asynchronously.
        public var isAsync: Bool?
        /// Attempts so far.
        public var currentExecutionCount: Int64?
        /// Maximum attempts.
        public var maxExecutionCount: Int64?
        /// `PaymentWebhookTrigger`.
        public var trigger: String?
        /// When it was triggered.
        public var triggeredAt: Timestamp?
        /// The web app's answer (`PaymentWebhookResponse`), absent when it did not answer.
        public var response: Response?

        /// `PaymentWebhookResponse`: what the web app answered to the webhook.
        public struct Response: Sendable, Hashable, Decodable {
            /// The HTTP status code, as text (`"500"`).
            public var code: String
            /// When it answered.
            public var respondedAt: Timestamp
        }
    }

    /// `PaymentAmount` (int64 minor units).
    public struct Amount: Sendable, Hashable, Decodable {
        /// Total.
        public var total: Int64
        /// Tax-free part.
        public var taxFree: Int64
        /// VAT.
        public var vat: Int64?
        /// Supply value.
        public var supply: Int64?
        /// Discount.
        public var discount: Int64
        /// Paid.
        public var paid: Int64
        /// Cancelled.
        public var cancelled: Int64
        /// Tax-free part of cancelled.
        public var cancelledTaxFree: Int64
    }

    /// `Customer`.
    public struct Customer: Sendable, Hashable, Decodable {
        /// The merchant's customer id.
        public var id: String?
        /// Name.
        public var name: String?
        /// Email.
        public var email: String?
        /// Phone number.
        public var phoneNumber: String?
    }

    /// `PaymentOrigin`.
    public struct Origin: Sendable, Hashable, Decodable {
        /// `PC`, `MOBILE` or `API`.
        public var platformType: String
        /// User agent.
        public var userAgent: String?
        /// Page URL.
        public var url: String?
        /// Client IP.
        public var ipAddress: String
    }

    /// `PaymentProduct`.
    public struct Product: Sendable, Hashable, Decodable {
        /// Product id.
        public var id: String
        /// Name.
        public var name: String
        /// Unit price.
        public var amount: Int64
        /// Quantity.
        public var quantity: Int64
    }

    /// `Dispute`.
    public struct Dispute: Sendable, Hashable, Decodable {
        /// `UNRESOLVED` or `RESOLVED`.
        public var status: String
        /// Reason.
        public var reason: String
        /// Opened at.
        public var createdAt: Timestamp
        /// Resolved at.
        public var resolvedAt: Timestamp?
    }

    /// `PaymentCancellation`: discriminated by `status` (REQUESTED, FAILED, SUCCEEDED).
    public struct Cancellation: Sendable, Hashable, Decodable {
        /// `REQUESTED`, `FAILED` or `SUCCEEDED`.
        public var status: String
        /// Cancellation id.
        public var id: String
        /// PG cancellation id.
        public var pgCancellationId: String?
        /// Cancelled amount.
        public var totalAmount: Int64
        /// Tax-free part.
        public var taxFreeAmount: Int64
        /// VAT part.
        public var vatAmount: Int64
        /// Reason.
        public var reason: String
        /// When it was requested.
        public var requestedAt: Timestamp
        /// When it completed.
        public var cancelledAt: Timestamp?
        /// Cancel receipt (SUCCEEDED only).
        public var receiptUrl: String?
        /// `CONSOLE`, `API`, `PORTONE_ADMIN`, `CHARGEBACK`.
        public var trigger: String?

        /// When the money moved (cancelledAt, else requestedAt).
        public var effectiveAt: Timestamp { cancelledAt ?? requestedAt }
    }

    /// `PaymentFailure`.
    public struct Failure: Sendable, Hashable, Decodable {
        /// Reason.
        public var reason: String?
        /// PG code.
        public var pgCode: String?
        /// PG message.
        public var pgMessage: String?
    }
}

extension SimulatedPayment {
    /// Whether the payment runs on a test channel.
    public var isTest: Bool { channel?.type == "TEST" || channelGroup?.isForTest == true }

    /// The SUCCEEDED cancellations in the order they happened.
    public var succeededCancellations: [Cancellation] {
        (cancellations ?? []).filter { $0.status == "SUCCEEDED" }.sorted { $0.effectiveAt < $1.effectiveAt }
    }
}
