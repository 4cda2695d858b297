/// A throwaway cluster could not be made or restarted; the message says why (never a password).
public struct ThrowawayClusterError: Error, CustomStringConvertible {
    /// What went wrong.
    public var description: String

    init(_ description: String) { self.description = description }
}
