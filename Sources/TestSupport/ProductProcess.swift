import Foundation

/// Runs one of the package's built executables (`credit-reconciler`, `portone-simulator`) as a
/// child process, the way an operator or systemd would, and captures what it printed.
public enum ProductProcess {
    /// What a finished child process left behind.
    public struct Outcome: Sendable {
        /// Its exit status.
        public var status: Int32
        /// Everything it wrote to standard output.
        public var standardOutput: String
        /// Everything it wrote to standard error.
        public var standardError: String
    }

    /// The built executable `name`: next to the test bundle, or in the package's debug build folder.
    public static func executable(_ name: String) -> URL {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [
            bundle.appendingPathComponent(name),
            bundle.deletingLastPathComponent().appendingPathComponent(name),
            SourceTree.root.appendingPathComponent(".build/debug/\(name)"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[0]
    }

    /// Runs `name` with `arguments` and exactly `environment` (plus `PATH`), waits for it, and
    /// returns its status and output.
    public static func run(_ name: String, _ arguments: [String], environment: [String: String]) throws -> Outcome {
        try start(name, arguments, environment: environment).waitForExit()
    }

    /// Starts `name` with `arguments` and exactly `environment` (plus `PATH`) and returns at once,
    /// so the test can watch it, run another beside it, or kill it.
    public static func start(_ name: String, _ arguments: [String], environment: [String: String]) throws
        -> RunningProduct
    {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("product-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let outURL = folder.appendingPathComponent("stdout")
        let errURL = folder.appendingPathComponent("stderr")
        try Data().write(to: outURL)
        try Data().write(to: errURL)
        let out = try FileHandle(forWritingTo: outURL)
        let err = try FileHandle(forWritingTo: errURL)
        let process = Process()
        process.executableURL = executable(name)
        process.arguments = arguments
        var childEnvironment = environment
        childEnvironment["PATH"] = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        process.environment = childEnvironment
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            try? FileManager.default.removeItem(at: folder)
            throw error
        }
        return RunningProduct(
            process: process, folder: folder, outURL: outURL, errURL: errURL, out: out, err: err,
            secrets: secrets(in: environment))
    }

    /// The secrets a child was given, by the variable that carried them: `PORTONE_API_SECRET` and
    /// the password inside `DATABASE_URL` (URL or conninfo form). Values under 8 characters are
    /// left out (too likely to occur in output by chance).
    static func secrets(in environment: [String: String]) -> [String: String] {
        var found: [String: String] = [:]
        if let secret = environment["PORTONE_API_SECRET"] { found["PORTONE_API_SECRET"] = secret }
        if let url = environment["DATABASE_URL"] {
            if let range = url.range(of: "password=") {
                found["DATABASE_URL password"] = String(url[range.upperBound...].prefix { $0 != " " && $0 != "&" })
            } else if let scheme = url.range(of: "://"), let at = url[scheme.upperBound...].firstIndex(of: "@") {
                let userInfo = url[scheme.upperBound..<at]
                if let colon = userInfo.firstIndex(of: ":") {
                    found["DATABASE_URL password"] = String(userInfo[userInfo.index(after: colon)...])
                }
            }
        }
        return found.filter { $0.value.count >= 8 }
    }
}

/// A child process printed a secret it was given: `waitForExit()` throws this instead of
/// returning the output, so every test that runs the binary checks for leaks.
public struct SecretLeak: Error, CustomStringConvertible {
    /// Which secret (the variable's name, never the value).
    public var variable: String
    /// Where it appeared.
    public var stream: String
    /// The command line that leaked it.
    public var arguments: [String]

    /// One line naming the secret's variable, the stream and the command.
    public var description: String {
        "the child process printed the value of \(variable) on \(stream) (arguments: \(arguments))"
    }
}
