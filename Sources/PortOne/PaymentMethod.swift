/// How a payment was paid: PortOne's `PaymentMethod` oneOf, discriminated by `type`.
///
/// Only what a reconciler reports is kept; unknown method types keep their raw `type`.
public enum PaymentMethod: Codable, Sendable, Hashable {
    /// `PaymentMethodEasyPay`: KakaoPay, NaverPay, TossPay, …
    case easyPay(provider: EasyPayProvider?, easyPayMethod: String?)
    /// `PaymentMethodCard`.
    case card(cardName: String?, approvalNumber: String?)
    /// `PaymentMethodTransfer`: bank transfer.
    case transfer(bank: String?)
    /// `PaymentMethodVirtualAccount`.
    case virtualAccount(bank: String?, accountNumber: String?)
    /// `PaymentMethodMobile`: carrier billing.
    case mobile
    /// `PaymentMethodGiftCertificate`.
    case giftCertificate
    /// `PaymentMethodConvenienceStore`.
    case convenienceStore
    /// `PaymentMethodCrypto`.
    case crypto
    /// A method type this build does not know, kept verbatim.
    case unknown(type: String)

    private enum CodingKeys: String, CodingKey {
        case type, provider, easyPayMethod, card, approvalNumber, bank, accountNumber, name
    }

    /// Decodes by the `type` discriminator; unknown types become ``unknown(type:)``.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let type = try c.decode(String.self, forKey: .type)
        switch type {
        case "PaymentMethodEasyPay":
            var inner: String?
            if c.contains(.easyPayMethod), try !c.decodeNil(forKey: .easyPayMethod) {
                let method = try c.nestedContainer(keyedBy: CodingKeys.self, forKey: .easyPayMethod)
                inner = try method.decodeIfPresent(String.self, forKey: .type)
            }
            self = .easyPay(
                provider: try c.decodeIfPresent(EasyPayProvider.self, forKey: .provider), easyPayMethod: inner)
        case "PaymentMethodCard":
            var name: String?
            if c.contains(.card), try !c.decodeNil(forKey: .card) {
                name = try c.nestedContainer(keyedBy: CodingKeys.self, forKey: .card).decodeIfPresent(
                    String.self, forKey: .name)
            }
            self = .card(cardName: name, approvalNumber: try c.decodeIfPresent(String.self, forKey: .approvalNumber))
        case "PaymentMethodTransfer":
            self = .transfer(bank: try c.decodeIfPresent(String.self, forKey: .bank))
        case "PaymentMethodVirtualAccount":
            self = .virtualAccount(
                bank: try c.decodeIfPresent(String.self, forKey: .bank),
                accountNumber: try c.decodeIfPresent(String.self, forKey: .accountNumber))
        case "PaymentMethodMobile": self = .mobile
        case "PaymentMethodGiftCertificate": self = .giftCertificate
        case "PaymentMethodConvenienceStore": self = .convenienceStore
        case "PaymentMethodCrypto": self = .crypto
        default: self = .unknown(type: type)
        }
    }

    /// Encodes PortOne's shape: `type` plus the fields this model keeps.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .easyPay(let provider, let easyPayMethod):
            try c.encode("PaymentMethodEasyPay", forKey: .type)
            try c.encodeIfPresent(provider, forKey: .provider)
            if let easyPayMethod {
                var method = c.nestedContainer(keyedBy: CodingKeys.self, forKey: .easyPayMethod)
                try method.encode(easyPayMethod, forKey: .type)
            }
        case .card(let cardName, let approvalNumber):
            try c.encode("PaymentMethodCard", forKey: .type)
            if let cardName {
                var card = c.nestedContainer(keyedBy: CodingKeys.self, forKey: .card)
                try card.encode(cardName, forKey: .name)
            }
            try c.encodeIfPresent(approvalNumber, forKey: .approvalNumber)
        case .transfer(let bank):
            try c.encode("PaymentMethodTransfer", forKey: .type)
            try c.encodeIfPresent(bank, forKey: .bank)
        case .virtualAccount(let bank, let accountNumber):
            try c.encode("PaymentMethodVirtualAccount", forKey: .type)
            try c.encodeIfPresent(bank, forKey: .bank)
            try c.encodeIfPresent(accountNumber, forKey: .accountNumber)
        case .mobile: try c.encode("PaymentMethodMobile", forKey: .type)
        case .giftCertificate: try c.encode("PaymentMethodGiftCertificate", forKey: .type)
        case .convenienceStore: try c.encode("PaymentMethodConvenienceStore", forKey: .type)
        case .crypto: try c.encode("PaymentMethodCrypto", forKey: .type)
        case .unknown(let type): try c.encode(type, forKey: .type)
        }
    }
}

/// An easy-pay provider (`KAKAOPAY`, `NAVERPAY`, …). A string wrapper: PortOne lists 56 and adds
/// more; ``isKnown`` says whether this build lists it.
public struct EasyPayProvider: RawRepresentable, Codable, Sendable, Hashable, CustomStringConvertible {
    /// PortOne's spelling.
    public var rawValue: String
    /// Wraps a provider name.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// KakaoPay, the provider this shop sells through.
    public static let kakaoPay = EasyPayProvider(rawValue: "KAKAOPAY")
    /// Naver Pay.
    public static let naverPay = EasyPayProvider(rawValue: "NAVERPAY")
    /// Toss Pay.
    public static let tossPay = EasyPayProvider(rawValue: "TOSSPAY")
    /// PAYCO.
    public static let payco = EasyPayProvider(rawValue: "PAYCO")
    /// Samsung Pay.
    public static let samsungPay = EasyPayProvider(rawValue: "SAMSUNGPAY")
    /// Apple Pay.
    public static let applePay = EasyPayProvider(rawValue: "APPLEPAY")
    /// The providers this build names.
    public static let known: Set<EasyPayProvider> = [.kakaoPay, .naverPay, .tossPay, .payco, .samsungPay, .applePay]
    /// True when this build names the provider.
    public var isKnown: Bool { Self.known.contains(self) }
    /// PortOne's spelling.
    public var description: String { rawValue }
    /// Decodes the provider string.
    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }
    /// Encodes the provider string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
