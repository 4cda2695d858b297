/// A web-app user as a repair needs them: who they are and their current balance.
public struct UserAccount: Sendable, Hashable {
    /// `"User".id`.
    public var id: String
    /// `"User".email` (for reports; finance recognises users by it).
    public var email: String
    /// `"Credit".balance`, nil when the user has no `"Credit"` row yet.
    public var balance: Int64?

    /// Creates an account value.
    public init(id: String, email: String, balance: Int64?) {
        self.id = id
        self.email = email
        self.balance = balance
    }
}
