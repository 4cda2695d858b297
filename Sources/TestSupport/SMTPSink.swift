import Foundation

/// The tests' loopback mail server (`scripts/smtp-sink`, Python's standard library): it takes
/// every message and keeps it in a folder, over STARTTLS, implicit TLS, or no TLS at all.
public final class SMTPSink: @unchecked Sendable {
    /// How the sink speaks TLS.
    public enum TLS: String, Sendable {
        /// Offers STARTTLS and refuses MAIL before it.
        case startTLS = "starttls"
        /// TLS from the first byte (smtps).
        case implicit
        /// No TLS offered.
        case none
    }

    /// One message the sink received.
    public struct Message: Sendable {
        /// The envelope sender.
        public var from: String
        /// The envelope recipients.
        public var to: [String]
        /// Whether the session was encrypted when the message came.
        public var tls: Bool
        /// Whether it got there by STARTTLS.
        public var startTLS: Bool
        /// The message as sent (CRLF line ends).
        public var text: String
    }

    /// The folder the messages and the certificate are kept in.
    public let folder: URL
    /// The port it listens on (127.0.0.1).
    public let port: Int
    private let process: Process

    /// The self-signed certificate the sink presents (for `SMTP_CA_FILE`).
    public var certificate: String { folder.appendingPathComponent("cert.pem").path }

    /// Starts a sink in a new folder (or `folder`, to keep the certificate and the messages of a
    /// sink that ran there before) on `port` (0: any free one).
    public init(tls: TLS, folder: URL? = nil, port: Int = 0) throws {
        let folder =
            folder ?? FileManager.default.temporaryDirectory.appendingPathComponent("smtp-sink-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        self.folder = folder
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", SourceTree.root.appendingPathComponent("scripts/smtp-sink").path, "--dir", folder.path,
            "--tls", tls.rawValue, "--port", "\(port)",
        ]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        var line = Data()
        while !line.contains(10) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        let text = String(decoding: line, as: UTF8.self)
        guard text.hasPrefix("PORT "), let number = Int(text.dropFirst(5).prefix { $0.isNumber }) else {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw SinkError(description: "scripts/smtp-sink did not start (is python3 installed? said: \(text))")
        }
        self.port = number
    }

    /// Why the sink did not start.
    public struct SinkError: Error, CustomStringConvertible {
        /// What happened.
        public var description: String
    }

    /// Stops the sink (its own process only) and waits for it; the folder stays until ``remove()``.
    public func stop() {
        if process.isRunning {
            // SIGKILL: the test runner's blocked signals are inherited, and the sink keeps no state worth a clean exit.
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    /// Stops the sink and deletes its folder.
    public func remove() {
        stop()
        try? FileManager.default.removeItem(at: folder)
    }

    /// The messages received so far, in the order they came.
    public func messages() -> [Message] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".json") }.sorted().compactMap { name in
            let base = folder.appendingPathComponent(String(name.dropLast(5)))
            guard let envelope = try? Data(contentsOf: base.appendingPathExtension("json")),
                let object = try? JSONSerialization.jsonObject(with: envelope) as? [String: Any],
                let text = try? Data(contentsOf: base.appendingPathExtension("eml"))
            else { return nil }
            return Message(
                from: object["from"] as? String ?? "", to: object["to"] as? [String] ?? [],
                tls: object["tls"] as? Bool ?? false, startTLS: object["starttls"] as? Bool ?? false,
                text: String(decoding: text, as: UTF8.self))
        }
    }
}
