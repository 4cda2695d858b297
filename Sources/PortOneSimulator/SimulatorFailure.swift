import Foundation

/// A failure of the simulator command with the sysexits code it ends with.
public struct SimulatorFailure: Error, CustomStringConvertible, Sendable, Equatable {
    /// The one-line message.
    public var description: String
    /// Exit code: 64 usage, 65 bad data, 66 missing input, 69 cannot listen, 70 internal, 73 cannot create output.
    public var exitCode: Int32

    /// Creates a failure.
    public init(_ description: String, exitCode: Int32) {
        self.description = description
        self.exitCode = exitCode
    }

    /// A usage error (exit 64).
    public static func usage(_ message: String) -> SimulatorFailure {
        SimulatorFailure(message + " (see --help)", exitCode: 64)
    }

    /// A short description of a decoding error: what and where.
    public static func describe(_ error: Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return keys.isEmpty ? "(top level)" : String(keys.drop { $0 == "." })
        }
        switch error {
        case .keyNotFound(let key, let context):
            let at = path(context)
            return "missing field \"\(key.stringValue)\"" + (at == "(top level)" ? "" : " in \(at)")
        case .typeMismatch(let type, let context): return "\(path(context)): expected \(type)"
        case .valueNotFound(let type, let context): return "\(path(context)): expected \(type), found null"
        case .dataCorrupted(let context): return "\(path(context)): \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}
