/// One page a scan hands to its consumer: new payments only (never one already handed over).
public struct PaymentScanPage: Sendable {
    /// Payments not seen before in this scan, and items that failed to decode.
    public var items: [Result<Payment, PaymentDecodingFailure>]
    /// Which time slice the page came from (0-based).
    public var slice: Int
}
