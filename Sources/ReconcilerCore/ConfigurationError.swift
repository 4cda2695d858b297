/// A configuration that cannot be used; the process exits 78. The message names the setting
/// and says what to change, and never contains a secret's value.
public struct ConfigurationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Every problem found, each naming its setting.
    public var problems: [String]

    /// Creates an error from one or more problems.
    public init(_ problems: [String]) {
        self.problems = problems
    }

    /// Creates an error from one problem.
    public init(_ problem: String) {
        self.problems = [problem]
    }

    /// The problems, one per line.
    public var description: String {
        problems.count == 1
            ? "configuration error: \(problems[0])"
            : "configuration errors:\n" + problems.map { "  - \($0)" }.joined(separator: "\n")
    }
}
