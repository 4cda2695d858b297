/// A store operation that cannot go ahead, with a message saying what was wrong and what to do.
public struct LedgerStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What was wrong and what to do.
    public var message: String

    /// Creates an error with `message`.
    public init(_ message: String) {
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
