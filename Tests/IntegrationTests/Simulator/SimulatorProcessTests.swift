import Foundation
import TestSupport
import Testing
import WireFormat

/// The `portone-simulator` executable as a subprocess: ready line, signals, exit codes.
@Suite struct SimulatorProcessTests {
    /// The built executable next to the test bundle (`swift build --build-tests` builds it).
    static func executable() throws -> URL {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("portone-simulator")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let fallback = root.appendingPathComponent(".build/debug/portone-simulator")
        guard FileManager.default.isExecutableFile(atPath: fallback.path) else {
            throw SimulatorTestFailure(
                description: "portone-simulator is not built; run swift build --build-tests first")
        }
        return fallback
    }

    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func run(_ arguments: [String], secret: String? = SimulatorTestData.secret) throws -> Run {
        let process = Process()
        process.executableURL = try executable()
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["PORTONE_API_SECRET"] = secret
        process.environment = environment
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(
            status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self))
    }

    @Test(arguments: [true, false])
    func servesAndExitsZeroOnSignal(useSIGTERM: Bool) throws {
        let process = Process()
        process.executableURL = try Self.executable()
        process.arguments = ["--generate", "300", "--seed", "3", "--until", "2026-11-25", "--port", "0"]
        var environment = ProcessInfo.processInfo.environment
        environment["PORTONE_API_SECRET"] = SimulatorTestData.secret
        process.environment = environment
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = Data()
        while !line.contains(10) {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        let text = String(decoding: line, as: UTF8.self)
        let prefix = "portone-simulator listening on http://127.0.0.1:"
        #expect(text.hasPrefix(prefix) && text.hasSuffix("\n"), "\(text)")
        let port = try #require(Int(text.dropFirst(prefix.count).trimmingCharacters(in: .whitespacesAndNewlines)))
        let response = try SimulatorTestClient(port: port).get(
            "/payments", requestBody: SimulatorTestData.listBody(size: 1000))
        #expect(response.status == 200)
        #expect(try response.json()[member: "items"]?.array?.count == 300)
        if useSIGTERM { process.terminate() } else { process.interrupt() }
        process.waitUntilExit()
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 0)
        let rest = out.fileHandleForReading.readDataToEndOfFile()
        #expect(rest.isEmpty, "only one line on stdout")
    }

    @Test(arguments: [
        (["--bogus"], Int32(64), "unknown argument"),
        (["--port", "x"], 64, "--port"),
        (["--generate", "1", "--seed", "-3"], 64, "--seed"),
        (["--data", "/nonexistent/file.jsonl"], 66, "does not exist"),
    ])
    func badInvocationsExitWithSysexits(arguments: [String], status: Int32, fragment: String) throws {
        let run = try Self.run(arguments)
        #expect(run.status == status)
        #expect(run.stderr.hasPrefix("portone-simulator: ") && run.stderr.contains(fragment), "\(run.stderr)")
        #expect(run.stderr.split(separator: "\n").count == 1)
        #expect(run.stdout.isEmpty)
    }

    @Test func aPortInUseExits69() throws {
        let (server, port) = try SimulatorTestData.start(count: 1)
        defer { server.stop() }
        let run = try Self.run(["--port", String(port)])
        #expect(run.status == 69)
        #expect(run.stderr.contains("cannot listen on 127.0.0.1:\(port)"), "\(run.stderr)")
        #expect(run.stdout.isEmpty)
    }

    @Test func missingSecretIsAUsageError() throws {
        let run = try Self.run(["--generate", "1"], secret: nil)
        #expect(run.status == 64)
        #expect(run.stderr.contains("PORTONE_API_SECRET"))
    }

    @Test func badDataFileNamesTheLine() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UUID().uuidString).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "\n{\"status\":\"PAID\"}\n".write(toFile: path, atomically: true, encoding: .utf8)
        let run = try Self.run(["--data", path])
        #expect(run.status == 65)
        #expect(run.stderr.contains("\(path):2: "), "\(run.stderr)")
        #expect(run.stderr.split(separator: "\n").count == 1)
    }

    @Test func helpListsTheFlagsAndNeverTheSecret() throws {
        let run = try Self.run(["--help"])
        #expect(run.status == 0)
        for flag in [
            "--generate", "--data", "--save", "--ledger-out", "--rate-limit-every", "--mutate-every", "--missed-refund",
        ] {
            #expect(run.stdout.contains(flag))
        }
        #expect(!run.stdout.contains(SimulatorTestData.secret))
    }

    @Test func saveAndLedgerWithoutServing() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sim-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = directory.appendingPathComponent("data.jsonl").path
        let ledger = directory.appendingPathComponent("ledger").path
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let first = try Self.run([
            "--generate", "400", "--seed", "4", "--until", "2026-11-25", "--save", data, "--ledger-out", ledger,
            "--no-serve",
        ])
        #expect(first.status == 0, "\(first.stderr)")
        for file in ["User.copy", "Credit.copy", "CreditTransaction.copy", "expected.json"] {
            #expect(FileManager.default.fileExists(atPath: ledger + "/" + file))
        }
        let again = directory.appendingPathComponent("again.jsonl").path
        let second = try Self.run(["--data", data, "--save", again, "--no-serve"])
        #expect(second.status == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: data)) == Data(contentsOf: URL(fileURLWithPath: again)))
    }
}
