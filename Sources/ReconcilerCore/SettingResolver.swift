/// Reads a setting the way operators supply it: the variable `NAME`, the file named by
/// `NAME_FILE`, or the systemd credential `NAME` in `$CREDENTIALS_DIRECTORY`, in that order.
///
/// Pure: the environment and the file reader are given, so every rule is tested without I/O.
public struct SettingResolver: Sendable {
    /// The process environment.
    public var environment: [String: String]
    /// Reads a whole file; throws when it cannot.
    public var readFile: @Sendable (String) throws -> String

    /// Creates a resolver over `environment`, reading files with `readFile`.
    public init(environment: [String: String], readFile: @escaping @Sendable (String) throws -> String) {
        self.environment = environment
        self.readFile = readFile
    }

    /// The value of `name`, or nil when none of the three sources sets it.
    ///
    /// Setting both `NAME` and `NAME_FILE` is refused: a stale variable must not silently win
    /// over the file an operator just rotated. A value read from a file loses its trailing
    /// newline; an empty value counts as an error, not as unset.
    public func value(of name: String) throws(ConfigurationError) -> String? {
        let direct = environment[name]
        let filePath = environment["\(name)_FILE"]
        if direct != nil && filePath != nil {
            throw ConfigurationError("both \(name) and \(name)_FILE are set: keep only one")
        }
        if let direct {
            guard !direct.isEmpty else { throw ConfigurationError("\(name) is set but empty") }
            return direct
        }
        if let filePath {
            return try read(filePath, describedAs: "\(name)_FILE (\(filePath))", name: name)
        }
        if let directory = environment["CREDENTIALS_DIRECTORY"], !directory.isEmpty {
            let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
            if let value = try? readFile(path) {
                return try nonEmpty(trimmingLineEnd(value), describedAs: "the systemd credential \(name)")
            }
        }
        return nil
    }

    /// The value of `name`, or a configuration error saying how to set it.
    public func required(_ name: String, purpose: String) throws(ConfigurationError) -> String {
        guard let value = try value(of: name) else {
            throw ConfigurationError(
                "\(name) is not set: set it to \(purpose), or put it in a file named by \(name)_FILE, or pass it as the systemd credential \(name)"
            )
        }
        return value
    }

    private func read(_ path: String, describedAs source: String, name: String) throws(ConfigurationError) -> String {
        let contents: String
        do {
            contents = try readFile(path)
        } catch {
            throw ConfigurationError(
                "\(source) cannot be read: check that the file exists and is readable by this user")
        }
        return try nonEmpty(trimmingLineEnd(contents), describedAs: source)
    }

    private func nonEmpty(_ value: String, describedAs source: String) throws(ConfigurationError) -> String {
        guard !value.isEmpty else { throw ConfigurationError("\(source) is empty") }
        return value
    }

    private func trimmingLineEnd(_ text: String) -> String {
        var text = Substring(text)
        while let last = text.last, last == "\n" || last == "\r" || last == "\r\n" { text.removeLast() }
        return String(text)
    }
}
