/// The PG channel a payment went through.
public struct SelectedChannel: Codable, Sendable, Hashable {
    /// Live or test channel.
    public enum ChannelType: TolerantEnum {
        /// `LIVE`: real money.
        case live
        /// `TEST`: a test channel; no money moved.
        case test
        /// A type this build does not know.
        case unknown(String)

        /// Maps PortOne's spelling to a case.
        public init(rawString: String) {
            switch rawString {
            case "LIVE": self = .live
            case "TEST": self = .test
            default: self = .unknown(rawString)
            }
        }

        /// PortOne's spelling.
        public var rawString: String {
            switch self {
            case .live: return "LIVE"
            case .test: return "TEST"
            case .unknown(let raw): return raw
            }
        }
    }

    /// `LIVE` or `TEST`.
    public var type: ChannelType
    /// Channel id.
    public var id: String?
    /// Channel key.
    public var key: String?
    /// Channel name.
    public var name: String?
    /// The PG module, as PortOne spells it (e.g. `KAKAOPAY`).
    public var pgProvider: String
    /// The merchant id at the PG.
    public var pgMerchantId: String

    /// Creates a channel record.
    public init(
        type: ChannelType, id: String? = nil, key: String? = nil, name: String? = nil, pgProvider: String,
        pgMerchantId: String
    ) {
        self.type = type
        self.id = id
        self.key = key
        self.name = name
        self.pgProvider = pgProvider
        self.pgMerchantId = pgMerchantId
    }
}
