import WireFormat

/// Why a paid payment's grant never reached the ledger, read from the webhook record PortOne
/// keeps for the payment (DESIGN §7): the web app grants on the `PAID` webhook, so its delivery
/// tells whether the app never heard of the payment, could not take it, or took it and
/// granted nothing.
public struct GrantCause: Sendable, Hashable {
    /// The cause, as reports and metrics name it.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// PortOne recorded no webhook announcing the payment as paid.
        case webhookNotSent = "WEBHOOK_NOT_SENT"
        /// Every delivery of it failed (the app answered non-2xx, or did not answer).
        case webhookFailed = "WEBHOOK_FAILED"
        /// The app answered 2xx and still granted nothing: a defect of the web app.
        case webhookAcknowledged = "WEBHOOK_ACKNOWLEDGED"
        /// The record does not tell (a delivery status absent or unknown to this build).
        case unknown = "UNKNOWN"
    }

    /// The cause.
    public var kind: Kind
    /// How many webhooks announcing the payment as paid PortOne recorded.
    public var deliveries: Int
    /// The delivery status of the webhook the cause rests on (PortOne's spelling), if any.
    public var deliveryStatus: String?
    /// The HTTP status the web app answered to it, as PortOne keeps it.
    public var responseCode: String?
    /// Deliveries attempted of it.
    public var attempts: Int?
    /// Deliveries PortOne makes at most.
    public var maxAttempts: Int?
    /// When its last delivery began.
    public var lastAttemptAt: RFC3339.Timestamp?

    /// Creates a cause.
    public init(
        kind: Kind, deliveries: Int = 0, deliveryStatus: String? = nil, responseCode: String? = nil,
        attempts: Int? = nil, maxAttempts: Int? = nil, lastAttemptAt: RFC3339.Timestamp? = nil
    ) {
        self.kind = kind
        self.deliveries = deliveries
        self.deliveryStatus = deliveryStatus
        self.responseCode = responseCode
        self.attempts = attempts
        self.maxAttempts = maxAttempts
        self.lastAttemptAt = lastAttemptAt
    }

    /// The payment statuses a webhook may announce that are not "paid": a webhook announcing one
    /// of these is not the one the web app grants on. Anything else (`PAID`, absent as on V1
    /// records, or a status this build does not know) may have been.
    static let notPaidAnnouncements: Set<String> = [
        "READY", "PAY_PENDING", "VIRTUAL_ACCOUNT_ISSUED", "FAILED", "PARTIAL_CANCELLED", "CANCELLED",
    ]

    /// The cause of a missed grant for `payment`, from its webhook record alone.
    ///
    /// Only webhooks that may have announced the payment as paid count. None: `WEBHOOK_NOT_SENT`.
    /// Any of them delivered (2xx): `WEBHOOK_ACKNOWLEDGED`, with that delivery's figures. All of
    /// them failed, each with a known failure: `WEBHOOK_FAILED`, with the figures of the latest
    /// (by `triggeredAt`, then PortOne's order). Otherwise (a delivery status absent or unknown,
    /// none delivered): `UNKNOWN`, with the latest's figures.
    public static func of(_ payment: PaymentFacts) -> GrantCause {
        let announcing = payment.webhooks.enumerated().filter {
            guard let status = $0.element.paymentStatus else { return true }
            return !notPaidAnnouncements.contains(status)
        }
        guard !announcing.isEmpty else { return GrantCause(kind: .webhookNotSent) }
        // The latest: by triggeredAt (a record without one sorts first), then by position.
        func key(_ entry: (offset: Int, element: PaymentFacts.Webhook)) -> (Int, Int64, Int64, Int) {
            guard let at = entry.element.triggeredAt else { return (0, 0, 0, entry.offset) }
            return (1, at.secondsSinceEpoch, Int64(at.nanoseconds), entry.offset)
        }
        let ordered = announcing.sorted { key($0) < key($1) }.map(\.element)
        func cause(_ kind: Kind, _ webhook: PaymentFacts.Webhook) -> GrantCause {
            GrantCause(
                kind: kind, deliveries: announcing.count, deliveryStatus: webhook.delivery?.portOneName,
                responseCode: webhook.responseCode, attempts: webhook.attempts, maxAttempts: webhook.maxAttempts,
                lastAttemptAt: webhook.triggeredAt)
        }
        if let delivered = ordered.last(where: { $0.delivery == .succeeded }) {
            return cause(.webhookAcknowledged, delivered)
        }
        let latest = ordered[ordered.count - 1]
        let allFailed = ordered.allSatisfy {
            $0.delivery == .failedNotOkResponse || $0.delivery == .failedUnexpectedError
        }
        return cause(allFailed ? .webhookFailed : .unknown, latest)
    }
}

extension PaymentFacts.Webhook.Delivery {
    /// PortOne's spelling.
    public var portOneName: String {
        switch self {
        case .succeeded: "SUCCEEDED"
        case .failedNotOkResponse: "FAILED_NOT_OK_RESPONSE"
        case .failedUnexpectedError: "FAILED_UNEXPECTED_ERROR"
        case .unknown(let raw): raw
        }
    }
}
