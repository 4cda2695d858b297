/// The buyer as PortOne recorded it; every field is optional.
public struct Customer: Codable, Sendable, Hashable {
    /// The merchant's own customer id (the web app may put its user id here).
    public var id: String?
    /// Name.
    public var name: String?
    /// Email address.
    public var email: String?
    /// Phone number.
    public var phoneNumber: String?
    /// Gender as PortOne spells it (`MALE`, `FEMALE`, `OTHER`).
    public var gender: String?
    /// Birth year, as text.
    public var birthYear: String?
    /// Birth month, as text.
    public var birthMonth: String?
    /// Birth day, as text.
    public var birthDay: String?
    /// Postal code.
    public var zipcode: String?

    /// Creates a customer record.
    public init(id: String? = nil, name: String? = nil, email: String? = nil, phoneNumber: String? = nil) {
        self.id = id
        self.name = name
        self.email = email
        self.phoneNumber = phoneNumber
    }
}
