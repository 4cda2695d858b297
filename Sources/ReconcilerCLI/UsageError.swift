/// A command line that cannot be run, with a message that says what to type instead.
public struct UsageError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What was wrong and how to fix it.
    public var message: String
    /// The subcommand whose usage to point at, if known.
    public var subcommand: Subcommand?

    /// Creates a usage error.
    public init(_ message: String, subcommand: Subcommand? = nil) {
        self.message = message
        self.subcommand = subcommand
    }

    /// The message, followed by where to find help.
    public var description: String {
        let help = subcommand.map { "credit-reconciler \($0.rawValue) --help" } ?? "credit-reconciler --help"
        return "\(message)\nSee '\(help)'."
    }
}
