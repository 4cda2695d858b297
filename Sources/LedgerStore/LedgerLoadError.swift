/// A ledger directory could not be read.
public struct LedgerLoadError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was wrong and what to do.
    public let message: String
    /// The message.
    public var description: String { message }
}
