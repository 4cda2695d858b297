import WireFormat

/// The ground truth of one live payment (`GET /_simulator/live/log`): who paid what when, every
/// cancellation made so far, and every webhook with its fate, so a test can compute what the
/// ledger must end up with and how long granting took.
public struct LivePaymentRecord: Sendable, Hashable {
    /// One cancellation made.
    public struct Cancellation: Sendable, Hashable {
        /// The cancellation id.
        public var id: String
        /// The refunded amount (whole KRW).
        public var amount: Int64
        /// When it happened (the journal event's `createdAt`).
        public var at: Timestamp
        /// Whether it refunded the whole remaining amount.
        public var full: Bool
        /// Whether it left `statusChangedAt` where it was.
        public var quiet: Bool
    }

    /// One webhook of the payment.
    public struct Webhook: Sendable, Hashable {
        /// The `webhook-id` header (and `webhooks[].id` of the payment).
        public var id: String
        /// `Transaction.Paid`, `Transaction.PartialCancelled` or `Transaction.Cancelled`.
        public var type: String
        /// The cancellation it announces.
        public var cancellationId: String?
        /// `PENDING` (queued), `LOST` (never sent), `SUCCEEDED`, `FAILED_NOT_OK_RESPONSE` or
        /// `FAILED_UNEXPECTED_ERROR`.
        public var outcome: String
        /// The receiver's status code, when it answered.
        public var statusCode: Int?
        /// When the change happened (the body's `timestamp`).
        public var at: Timestamp
    }

    /// The payment's number in its seed's sequence.
    public var sequence: UInt64
    /// The payment id.
    public var paymentId: String
    /// The transaction id.
    public var transactionId: String
    /// The buyer (`customData.userId`, `customer.id`).
    public var userId: String
    /// The package (`customData.packageId`).
    public var packageId: String
    /// The package's credits.
    public var credits: Int64
    /// The paid amount (`amount.total` = `amount.paid`, the package price).
    public var amount: Int64
    /// The currency.
    public var currency: String
    /// When it was paid (the PAID event's `createdAt`).
    public var paidAt: Timestamp
    /// The cancellations made so far, in order.
    public var cancellations: [Cancellation] = []
    /// Cancellations still to come.
    public var scheduledCancellations: Int
    /// The webhooks so far, in order.
    public var webhooks: [Webhook] = []

    /// The current status: PAID, PARTIAL_CANCELLED or CANCELLED.
    public var status: String {
        let cancelled = cancellations.reduce(Int64(0)) { $0 + $1.amount }
        return cancelled == 0 ? "PAID" : cancelled >= amount ? "CANCELLED" : "PARTIAL_CANCELLED"
    }

    /// Writes the record as a JSON object.
    func write(to w: inout JSONWriter) {
        w.beginObject()
        w.int("sequence", Int64(bitPattern: sequence))
        w.string("paymentId", paymentId)
        w.string("transactionId", transactionId)
        w.string("userId", userId)
        w.string("packageId", packageId)
        w.int("credits", credits)
        w.int("amount", amount)
        w.string("currency", currency)
        w.string("status", status)
        w.timestamp("paidAt", paidAt)
        w.beginArray("cancellations")
        for c in cancellations {
            w.beginObject()
            w.string("id", c.id)
            w.int("amount", c.amount)
            w.timestamp("at", c.at)
            w.bool("full", c.full)
            w.bool("quiet", c.quiet)
            w.endObject()
        }
        w.endArray()
        w.int("scheduledCancellations", Int64(scheduledCancellations))
        w.beginArray("webhooks")
        for hook in webhooks {
            w.beginObject()
            w.string("id", hook.id)
            w.string("type", hook.type)
            w.string("cancellationId", ifPresent: hook.cancellationId)
            w.string("outcome", hook.outcome)
            w.int("statusCode", ifPresent: hook.statusCode.map(Int64.init))
            w.timestamp("at", hook.at)
            w.endObject()
        }
        w.endArray()
        w.endObject()
    }
}

extension LivePaymentRecord {
    /// Reads one record of `GET /_simulator/live/log` (nil when a required member is missing).
    public init?(json: JSONValue) {
        guard let members = json.objectValue else { return nil }
        func text(_ key: String) -> String? { members[key]?.stringValue }
        func whole(_ key: String) -> Int64? { members[key]?.integerValue }
        guard let sequence = whole("sequence"), let paymentId = text("paymentId"),
            let transactionId = text("transactionId"), let userId = text("userId"), let packageId = text("packageId"),
            let credits = whole("credits"), let amount = whole("amount"), let currency = text("currency"),
            let paidAt = text("paidAt").flatMap(Timestamp.parse),
            let scheduled = whole("scheduledCancellations")
        else { return nil }
        self.init(
            sequence: UInt64(bitPattern: sequence), paymentId: paymentId, transactionId: transactionId, userId: userId,
            packageId: packageId, credits: credits, amount: amount, currency: currency, paidAt: paidAt,
            scheduledCancellations: Int(scheduled))
        for item in members["cancellations"]?.arrayValue ?? [] {
            guard let id = item["id"].stringValue, let amount = item["amount"].integerValue,
                let at = item["at"].stringValue.flatMap(Timestamp.parse)
            else { return nil }
            cancellations.append(
                Cancellation(
                    id: id, amount: amount, at: at, full: item["full"].boolValue ?? false,
                    quiet: item["quiet"].boolValue ?? false))
        }
        for item in members["webhooks"]?.arrayValue ?? [] {
            guard let id = item["id"].stringValue, let type = item["type"].stringValue,
                let outcome = item["outcome"].stringValue, let at = item["at"].stringValue.flatMap(Timestamp.parse)
            else { return nil }
            webhooks.append(
                Webhook(
                    id: id, type: type, cancellationId: item["cancellationId"].stringValue, outcome: outcome,
                    statusCode: item["statusCode"].integerValue.map { Int($0) }, at: at))
        }
    }

    /// The refunded amount so far.
    public var cancelledAmount: Int64 { cancellations.reduce(0) { $0 + $1.amount } }
}
