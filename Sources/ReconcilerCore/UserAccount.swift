/// An application user as the decisions need it: the engine batch-loads these by the ids that
/// ``Reconciler/userId(for:)`` names.
public struct UserAccount: Sendable, Hashable {
    /// `User.id`.
    public var id: String
    /// `User.email`, for reports.
    public var email: String?
    /// `Credit.balance`; nil when the user has no `Credit` row yet (a balance of 0 for every
    /// decision; the engine creates the row when a repair needs it).
    public var balance: Int64?

    /// Creates a user account.
    public init(id: String, email: String? = nil, balance: Int64?) {
        self.id = id
        self.email = email
        self.balance = balance
    }
}
