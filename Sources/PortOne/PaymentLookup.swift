/// The answer of `GET /payments/{paymentId}`: 404 PAYMENT_NOT_FOUND is a normal answer.
public enum PaymentLookup: Sendable {
    /// PortOne knows the payment.
    case found(Payment)
    /// PortOne does not know this id in this store (404 `PAYMENT_NOT_FOUND`).
    case notFound
    /// PortOne returned the payment but it could not be decoded.
    case undecodable(PaymentDecodingFailure)
}
