/// One money-moving event of a payment, as `GET /payment-events-by-cursor` serves it.
public struct PaymentEventInfo: Sendable, Hashable {
    /// `PAID`, `PARTIAL_CANCELLED` or `CANCELLED`.
    public var type: String
    /// 0 for the payment, k for the k-th SUCCEEDED cancellation.
    public var ordinal: Int
    /// The event time.
    public var at: Timestamp
    /// Signed money moved: positive when paid, negative for cancellations.
    public var amount: Int64
    /// The cancellation of a cancel event.
    public var cancellation: SimulatedPayment.Cancellation?

    /// The events of `payment`, in time order: PAID (when it has `paidAt`), then one per
    /// SUCCEEDED cancellation; the one that brings the cancelled total to the paid total is
    /// `CANCELLED`, the others `PARTIAL_CANCELLED`.
    public static func events(of payment: SimulatedPayment) -> [PaymentEventInfo] {
        guard let paidAt = payment.paidAt else { return [] }
        let paid = payment.amount.paid > 0 ? payment.amount.paid : payment.amount.total
        var events = [PaymentEventInfo(type: "PAID", ordinal: 0, at: paidAt, amount: paid, cancellation: nil)]
        var cancelled: Int64 = 0
        for (k, cancellation) in payment.succeededCancellations.enumerated() {
            cancelled += cancellation.totalAmount
            events.append(
                PaymentEventInfo(
                    type: cancelled >= paid ? "CANCELLED" : "PARTIAL_CANCELLED", ordinal: k + 1,
                    at: cancellation.effectiveAt, amount: -cancellation.totalAmount, cancellation: cancellation))
        }
        return events
    }

    /// This event of `payment` as `GET /payment-events-by-cursor` serves it (its `paymentEvent`).
    public func renderJSON(of payment: SimulatedPayment) -> [UInt8] {
        let rendered = payment.renderEventJSON(
            type: type, eventId: eventId(of: payment), createdAt: at, eventAmount: amount, cancellation: cancellation)
        // Copied into an exactly sized buffer: the store keeps one per event (~2 KB each).
        return [UInt8](unsafeUninitializedCapacity: rendered.count) { buffer, count in
            rendered.withUnsafeBufferPointer { source in
                _ = buffer.initialize(from: source)
            }
            count = rendered.count
        }
    }

    /// The event id: stable per payment and event.
    public func eventId(of payment: SimulatedPayment) -> String {
        if let cancellation { return "evt-\(cancellation.id)" }
        return "evt-\(payment.transactionId)-paid"
    }
}
