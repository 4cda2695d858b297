import Foundation
import HTTP
import PortOne
import ReconcilerCore
import Synchronization

/// A `portone-simulator` child process for the integration tests (real HTTP over
/// loopback), started per the shared contract: secret in the environment, port read from the
/// one "listening on" line, SIGTERM to stop.
public final class SimulatorProcess: Sendable {
    /// The store the simulator serves (its `--store-id`).
    public static let storeId = "store-00000000-0000-4000-8000-000000000001"

    /// Where the simulator listens, e.g. `http://127.0.0.1:41234`.
    public let baseURL: String
    /// The API secret it accepts.
    public let secret: String
    private let process: Mutex<Process?>
    private let exited: DispatchSemaphore
    private let control: HTTPClient

    /// The built simulator next to the test bundle (or `PORTONE_SIMULATOR_PATH`).
    public static var executable: URL {
        if let path = ProcessInfo.processInfo.environment["PORTONE_SIMULATOR_PATH"] {
            return URL(fileURLWithPath: path)
        }
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [
            bundle.appendingPathComponent("portone-simulator"),
            bundle.deletingLastPathComponent().appendingPathComponent("portone-simulator"),
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent(
                    ".build/debug/portone-simulator"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[0]
    }

    private init(process: Process, exited: DispatchSemaphore, baseURL: String, secret: String) {
        self.process = Mutex(process)
        self.exited = exited
        self.baseURL = baseURL
        self.secret = secret
        self.control = HTTPClient(configuration: HTTPClientConfiguration(userAgent: "integration-tests"))
    }

    /// Starts a simulator and waits for its "listening on" line. `environment` adds variables
    /// (e.g. `PORTONE_WEBHOOK_SECRET` for `--webhook-url`).
    public static func start(
        secret: String, arguments: [String], environment extra: [String: String] = [:]
    ) async throws -> SimulatorProcess {
        let process = Process()
        process.executableURL = executable
        process.arguments = ["--host", "127.0.0.1", "--port", "0", "--store-id", storeId] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["PORTONE_API_SECRET"] = secret
        environment.merge(extra) { _, new in new }
        process.environment = environment
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardError = FileHandle.standardError
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        try process.run()
        let line: String? = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                var buffer = Data()
                let handle = stdout.fileHandleForReading
                while !buffer.contains(UInt8(ascii: "\n")) {
                    let chunk = handle.availableData
                    if chunk.isEmpty { break }
                    buffer.append(chunk)
                }
                let text = String(decoding: buffer, as: UTF8.self)
                continuation.resume(returning: text.split(separator: "\n").first.map(String.init))
                while !handle.availableData.isEmpty {}  // keep draining so the child never blocks
            }
        }
        let prefix = "portone-simulator listening on "
        guard let line, line.hasPrefix(prefix) else {
            process.terminate()
            throw SimulatorStartFailure(message: "the simulator did not announce its port (got: \(line ?? "EOF"))")
        }
        return SimulatorProcess(
            process: process, exited: exited, baseURL: String(line.dropFirst(prefix.count)), secret: secret)
    }

    /// A client for this simulator.
    public func client(
        secret: String? = nil, storeId: String = storeId,
        retry: RetryPolicy = RetryPolicy(baseDelay: .milliseconds(20)),
        maximumConcurrentRequests: Int = 4, log: @escaping @Sendable (String) -> Void = { _ in }
    ) throws -> PortOneClient {
        try PortOneClient(
            configuration: PortOneConfiguration(
                baseURL: baseURL, secret: PortOneSecret(secret ?? self.secret), storeId: storeId, retry: retry,
                http: HTTPClientConfiguration(
                    userAgent: ProductVersion.userAgent, connectTimeout: .seconds(5), totalTimeout: .seconds(60),
                    maximumConcurrentRequests: maximumConcurrentRequests)),
            log: log)
    }

    /// Calls the control API and returns the decoded JSON object.
    @discardableResult
    public func control(_ method: HTTPRequest.Method, _ path: String, _ body: [String: Any]? = nil) async throws
        -> [String:
        Any]
    {
        let answer = try await controlBody(method, path, body)
        return try JSONSerialization.jsonObject(with: Data(answer)) as? [String: Any] ?? [:]
    }

    /// Calls the control API and returns the raw body of its 200 answer.
    public func controlBody(_ method: HTTPRequest.Method, _ path: String, _ body: [String: Any]? = nil) async throws
        -> [UInt8]
    {
        let bytes = try body.map { Array(try JSONSerialization.data(withJSONObject: $0)) }
        let response = try await control.send(
            HTTPRequest(
                method: method, url: baseURL + path,
                headers: [("Authorization", "PortOne " + secret), ("Content-Type", "application/json")], body: bytes))
        guard response.status == 200 else {
            throw SimulatorStartFailure(
                message:
                    "\(method.rawValue) \(path) answered \(response.status): \(String(decoding: response.body.prefix(300), as: UTF8.self))"
            )
        }
        return response.body
    }

    /// Replaces the fault configuration (unspecified faults off).
    public func setFaults(_ faults: [String: Int]) async throws {
        try await control(.put, "/_simulator/faults", faults)
    }

    /// The number of payments the simulator holds.
    public func paymentCount() async throws -> Int {
        (try await control(.get, "/_simulator/stats")["payments"] as? NSNumber)?.intValue ?? -1
    }

    /// SIGTERM, then wait for the exit; SIGKILL if it has not exited 10 s later (a stuck
    /// simulator must not hang the test run).
    public func stop() {
        guard
            let process = process.withLock({ value -> Process? in
                defer { value = nil }
                return value
            })
        else { return }
        guard process.isRunning else { return }
        process.terminate()
        if exited.wait(timeout: .now() + 10) == .timedOut {
            FileHandle.standardError.write(Data("simulator ignored SIGTERM for 10 s; sending SIGKILL\n".utf8))
            kill(process.processIdentifier, SIGKILL)
            _ = exited.wait(timeout: .now() + 10)
        }
    }

    deinit { stop() }
}

/// The simulator could not be started or controlled.
public struct SimulatorStartFailure: Error, CustomStringConvertible {
    /// What went wrong.
    public let message: String
    /// The message.
    public var description: String { message }

    /// A failure saying `message`.
    public init(message: String) {
        self.message = message
    }
}
