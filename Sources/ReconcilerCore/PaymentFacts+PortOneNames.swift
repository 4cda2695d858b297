extension PaymentFacts.Status {
    /// PortOne's spelling.
    public var portOneName: String {
        switch self {
        case .ready: "READY"
        case .payPending: "PAY_PENDING"
        case .virtualAccountIssued: "VIRTUAL_ACCOUNT_ISSUED"
        case .paid: "PAID"
        case .failed: "FAILED"
        case .partialCancelled: "PARTIAL_CANCELLED"
        case .cancelled: "CANCELLED"
        case .unknown(let raw): raw
        }
    }
}

extension PaymentFacts.Cancellation.Status {
    /// PortOne's spelling.
    public var portOneName: String {
        switch self {
        case .requested: "REQUESTED"
        case .failed: "FAILED"
        case .succeeded: "SUCCEEDED"
        case .unknown(let raw): raw
        }
    }
}
