/// One item of a PortOne answer that could not be decoded: the rest of its page still is.
///
/// The reconciler reports it (`UNPARSEABLE_PAYMENT`) instead of failing the run.
public struct PaymentDecodingFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// The payment id, when the item had a readable `id` (or `paymentId` for events).
    public var paymentId: String?
    /// What was wrong, naming the field, e.g. `missing field 'amount.paid'`.
    public var reason: String

    /// Creates a failure record.
    public init(paymentId: String?, reason: String) {
        self.paymentId = paymentId
        self.reason = reason
    }

    /// A one-line message.
    public var description: String {
        "payment \(paymentId.map { "'\($0)'" } ?? "(id unreadable)") could not be decoded: \(reason)"
    }
}
