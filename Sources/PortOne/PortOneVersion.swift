/// Which PortOne API generation created a payment (`V1` payments also come back from V2 lists).
public enum PortOneVersion: TolerantEnum {
    /// `V1` (the payment's `transactionId` is the V1 `imp_uid`).
    case v1
    /// `V2`.
    case v2
    /// A version this build does not know.
    case unknown(String)

    /// Maps PortOne's spelling to a case.
    public init(rawString: String) {
        switch rawString {
        case "V1": self = .v1
        case "V2": self = .v2
        default: self = .unknown(rawString)
        }
    }

    /// PortOne's spelling.
    public var rawString: String {
        switch self {
        case .v1: return "V1"
        case .v2: return "V2"
        case .unknown(let raw): return raw
        }
    }
}
