import ReconcilerCore
import WireFormat

/// A PortOne V2 payment, any of its seven variants (`status`), decoded tolerantly.
///
/// One struct rather than seven: the variants share almost every field, and the reconciler
/// switches on ``status``. Variant fields are optional here; decoding enforces what matters:
/// `PAID` needs `paidAt`, `PARTIAL_CANCELLED`/`CANCELLED` need `cancelledAt` and
/// `cancellations`, `FAILED` needs `failedAt`. Unknown statuses decode as
/// ``PaymentStatus/unknown(_:)`` with the common fields.
public struct Payment: Sendable, Hashable {
    /// The merchant's payment id (V1: merchant_uid).
    public var id: String
    /// Which variant this is.
    public var status: PaymentStatus
    /// PortOne's id of the attempt (V1: imp_uid).
    public var transactionId: String
    /// Merchant id.
    public var merchantId: String
    /// Store id.
    public var storeId: String
    /// Payment method.
    public var method: PaymentMethod?
    /// PG channel (required except for READY and FAILED).
    public var channel: SelectedChannel?
    /// Channel group.
    public var channelGroup: ChannelGroupSummary?
    /// API generation.
    public var version: PortOneVersion
    /// Payment schedule id.
    public var scheduleId: String?
    /// Billing key used.
    public var billingKey: String?
    /// Webhooks sent for this payment.
    public var webhooks: [PaymentWebhook]
    /// When the payment was requested.
    public var requestedAt: RFC3339.Timestamp
    /// Last update.
    public var updatedAt: RFC3339.Timestamp
    /// When the current status was reached (what `STATUS_CHANGED_AT` filters and sorts on).
    public var statusChangedAt: RFC3339.Timestamp
    /// Order name (the app uses the package name).
    public var orderName: String
    /// Amounts.
    public var amount: PaymentAmount
    /// Currency.
    public var currency: Currency
    /// Buyer.
    public var customer: Customer
    /// Where it was requested from (marked required, missing from older schemas: optional).
    public var origin: PaymentOrigin?
    /// Promotion id.
    public var promotionId: String?
    /// Cultural-expense flag.
    public var isCulturalExpense: Bool?
    /// Product lines.
    public var products: [PaymentProduct]
    /// Product count.
    public var productCount: Int?
    /// The raw `customData` string.
    public var customData: String?
    /// `customData` read as the app's JSON, when it is JSON with `userId`/`packageId`.
    public var customDataFields: PaymentCustomData?
    /// Country code.
    public var country: String?
    /// PG transaction id (not on READY, FAILED).
    public var pgTxId: String?
    /// When it was paid (PAID: always; PARTIAL_CANCELLED/CANCELLED: when it was paid before).
    public var paidAt: RFC3339.Timestamp?
    /// Raw PG response (PAID).
    public var pgResponse: String?
    /// `ISSUED` / `NOT_ISSUED` (raw).
    public var cashReceiptIssuanceStatus: String?
    /// Receipt URL.
    public var receiptUrl: String?
    /// Disputes (PAID).
    public var disputes: [Dispute]
    /// Cancellations, of every status: only SUCCEEDED ones moved money.
    public var cancellations: [PaymentCancellation]
    /// When it failed (FAILED).
    public var failedAt: RFC3339.Timestamp?
    /// Why it failed (FAILED).
    public var failure: PaymentFailure?
    /// When it was (last) cancelled (PARTIAL_CANCELLED, CANCELLED).
    public var cancelledAt: RFC3339.Timestamp?

    /// Creates a payment with the common required fields; set the variant fields afterwards.
    public init(
        id: String, status: PaymentStatus, transactionId: String = "", merchantId: String = "", storeId: String,
        version: PortOneVersion = .v2, requestedAt: RFC3339.Timestamp, updatedAt: RFC3339.Timestamp,
        statusChangedAt: RFC3339.Timestamp, orderName: String, amount: PaymentAmount, currency: Currency = .krw,
        customer: Customer = Customer(), customData: String? = nil
    ) {
        self.id = id
        self.status = status
        self.transactionId = transactionId
        self.merchantId = merchantId
        self.storeId = storeId
        self.version = version
        self.webhooks = []
        self.requestedAt = requestedAt
        self.updatedAt = updatedAt
        self.statusChangedAt = statusChangedAt
        self.orderName = orderName
        self.amount = amount
        self.currency = currency
        self.customer = customer
        self.products = []
        self.customData = customData
        self.customDataFields = customData.flatMap(PaymentCustomData.init(parsing:))
        self.disputes = []
        self.cancellations = []
    }

    /// The cancellations that moved money back (status SUCCEEDED).
    public var succeededCancellations: [PaymentCancellation] {
        cancellations.filter { $0.status == .succeeded }
    }

    /// True when the payment went through a test channel (no real money).
    public var isTest: Bool {
        channel?.type == .test || channelGroup?.isForTest == true
    }
}

extension Payment: Codable {
    /// The JSON member names of PortOne's `Payment`.
    enum CodingKeys: String, CodingKey {
        case id, status, transactionId, merchantId, storeId, method, channel, channelGroup, version
        case scheduleId, billingKey, webhooks, requestedAt, updatedAt, statusChangedAt, orderName, amount
        case currency, customer, origin, promotionId, isCulturalExpense, products, productCount, customData
        case country, pgTxId, paidAt, pgResponse, cashReceiptIssuanceStatus, receiptUrl, disputes
        case cancellations, failedAt, failure, cancelledAt
    }

    /// Decodes any variant tolerantly (unknown fields ignored, unknown enum values kept).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        status = try c.decode(PaymentStatus.self, forKey: .status)
        transactionId = try c.decode(String.self, forKey: .transactionId)
        merchantId = try c.decode(String.self, forKey: .merchantId)
        storeId = try c.decode(String.self, forKey: .storeId)
        method = try c.decodeIfPresent(PaymentMethod.self, forKey: .method)
        channel = try c.decodeIfPresent(SelectedChannel.self, forKey: .channel)
        channelGroup = try c.decodeIfPresent(ChannelGroupSummary.self, forKey: .channelGroup)
        version = try c.decode(PortOneVersion.self, forKey: .version)
        scheduleId = try c.decodeIfPresent(String.self, forKey: .scheduleId)
        billingKey = try c.decodeIfPresent(String.self, forKey: .billingKey)
        webhooks = try c.decodeArrayIfPresent([PaymentWebhook].self, forKey: .webhooks)
        requestedAt = try c.decodeTimestamp(forKey: .requestedAt)
        updatedAt = try c.decodeTimestamp(forKey: .updatedAt)
        statusChangedAt = try c.decodeTimestamp(forKey: .statusChangedAt)
        orderName = try c.decode(String.self, forKey: .orderName)
        amount = try c.decode(PaymentAmount.self, forKey: .amount)
        currency = try c.decode(Currency.self, forKey: .currency)
        customer = try c.decodeIfPresent(Customer.self, forKey: .customer) ?? Customer()
        origin = try c.decodeIfPresent(PaymentOrigin.self, forKey: .origin)
        promotionId = try c.decodeIfPresent(String.self, forKey: .promotionId)
        isCulturalExpense = try c.decodeIfPresent(Bool.self, forKey: .isCulturalExpense)
        products = try c.decodeArrayIfPresent([PaymentProduct].self, forKey: .products)
        productCount = try c.decodeIfPresent(Int.self, forKey: .productCount)
        customData = try c.decodeIfPresent(String.self, forKey: .customData)
        customDataFields = customData.flatMap(PaymentCustomData.init(parsing:))
        country = try c.decodeIfPresent(String.self, forKey: .country)
        pgTxId = try c.decodeIfPresent(String.self, forKey: .pgTxId)
        pgResponse = try c.decodeIfPresent(String.self, forKey: .pgResponse)
        cashReceiptIssuanceStatus = try c.decodeIfPresent(String.self, forKey: .cashReceiptIssuanceStatus)
        receiptUrl = try c.decodeIfPresent(String.self, forKey: .receiptUrl)
        disputes = try c.decodeArrayIfPresent([Dispute].self, forKey: .disputes)
        failure = try c.decodeIfPresent(PaymentFailure.self, forKey: .failure)
        switch status {
        case .paid:
            paidAt = try c.decodeTimestamp(forKey: .paidAt)
        default:
            paidAt = try c.decodeTimestampIfPresent(forKey: .paidAt)
        }
        switch status {
        case .partialCancelled, .cancelled:
            cancellations = try c.decode([PaymentCancellation].self, forKey: .cancellations)
            cancelledAt = try c.decodeTimestamp(forKey: .cancelledAt)
        default:
            cancellations = try c.decodeArrayIfPresent([PaymentCancellation].self, forKey: .cancellations)
            cancelledAt = try c.decodeTimestampIfPresent(forKey: .cancelledAt)
        }
        if status == .failed {
            failedAt = try c.decodeTimestamp(forKey: .failedAt)
        } else {
            failedAt = try c.decodeTimestampIfPresent(forKey: .failedAt)
        }
    }

    /// Encodes PortOne's `Payment` shape (the fields this model keeps): the evidence of what a
    /// run saw, readable by both decoders.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(status, forKey: .status)
        try c.encode(id, forKey: .id)
        try c.encode(transactionId, forKey: .transactionId)
        try c.encode(merchantId, forKey: .merchantId)
        try c.encode(storeId, forKey: .storeId)
        try c.encodeIfPresent(method, forKey: .method)
        try c.encodeIfPresent(channel, forKey: .channel)
        try c.encodeIfPresent(channelGroup, forKey: .channelGroup)
        try c.encode(version, forKey: .version)
        try c.encodeIfPresent(scheduleId, forKey: .scheduleId)
        try c.encodeIfPresent(billingKey, forKey: .billingKey)
        if !webhooks.isEmpty { try c.encode(webhooks, forKey: .webhooks) }
        try c.encode(requestedAt, forKey: .requestedAt)
        try c.encode(updatedAt, forKey: .updatedAt)
        try c.encode(statusChangedAt, forKey: .statusChangedAt)
        try c.encode(orderName, forKey: .orderName)
        try c.encode(amount, forKey: .amount)
        try c.encode(currency, forKey: .currency)
        try c.encode(customer, forKey: .customer)
        try c.encodeIfPresent(origin, forKey: .origin)
        try c.encodeIfPresent(promotionId, forKey: .promotionId)
        try c.encodeIfPresent(isCulturalExpense, forKey: .isCulturalExpense)
        if !products.isEmpty { try c.encode(products, forKey: .products) }
        try c.encodeIfPresent(productCount, forKey: .productCount)
        try c.encodeIfPresent(customData, forKey: .customData)
        try c.encodeIfPresent(country, forKey: .country)
        try c.encodeIfPresent(pgTxId, forKey: .pgTxId)
        try c.encodeIfPresent(paidAt, forKey: .paidAt)
        try c.encodeIfPresent(pgResponse, forKey: .pgResponse)
        try c.encodeIfPresent(cashReceiptIssuanceStatus, forKey: .cashReceiptIssuanceStatus)
        try c.encodeIfPresent(receiptUrl, forKey: .receiptUrl)
        if status == .paid || !disputes.isEmpty { try c.encode(disputes, forKey: .disputes) }
        if status == .partialCancelled || status == .cancelled || !cancellations.isEmpty {
            try c.encode(cancellations, forKey: .cancellations)
        }
        try c.encodeIfPresent(failedAt, forKey: .failedAt)
        try c.encodeIfPresent(failure, forKey: .failure)
        try c.encodeIfPresent(cancelledAt, forKey: .cancelledAt)
    }
}
