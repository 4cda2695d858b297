/// The `status` discriminator of a PortOne `Payment` (which of its seven variants it is).
public enum PaymentStatus: TolerantEnum, CustomStringConvertible {
    /// `READY`: the payment window opened; nothing paid.
    case ready
    /// `PAY_PENDING`: approval pending at the PG (e.g. PayPal).
    case payPending
    /// `VIRTUAL_ACCOUNT_ISSUED`: a virtual account awaits the deposit.
    case virtualAccountIssued
    /// `PAID`: approved; `paidAt` is set.
    case paid
    /// `FAILED`: `failedAt` and `failure` are set.
    case failed
    /// `PARTIAL_CANCELLED`: some money went back; `cancellations` and `cancelledAt` are set.
    case partialCancelled
    /// `CANCELLED`: fully cancelled; `cancellations` and `cancelledAt` are set.
    case cancelled
    /// A status this build does not know, kept verbatim for the report.
    case unknown(String)

    /// Maps PortOne's spelling to a case.
    public init(rawString: String) {
        switch rawString {
        case "READY": self = .ready
        case "PAY_PENDING": self = .payPending
        case "VIRTUAL_ACCOUNT_ISSUED": self = .virtualAccountIssued
        case "PAID": self = .paid
        case "FAILED": self = .failed
        case "PARTIAL_CANCELLED": self = .partialCancelled
        case "CANCELLED": self = .cancelled
        default: self = .unknown(rawString)
        }
    }

    /// PortOne's spelling.
    public var rawString: String {
        switch self {
        case .ready: return "READY"
        case .payPending: return "PAY_PENDING"
        case .virtualAccountIssued: return "VIRTUAL_ACCOUNT_ISSUED"
        case .paid: return "PAID"
        case .failed: return "FAILED"
        case .partialCancelled: return "PARTIAL_CANCELLED"
        case .cancelled: return "CANCELLED"
        case .unknown(let raw): return raw
        }
    }

    /// PortOne's spelling.
    public var description: String { rawString }
}
