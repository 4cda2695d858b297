import Foundation
import TestSupport
import Testing

/// The progress line of `run`: drawn in place on a terminal (a pseudo-terminal from
/// util-linux `script`), absent when standard error is a file (systemd, pipes).
@Suite(.serialized) struct RunProgressTests {
    typealias World = ReconciliationWorldTests

    @Test func progressIsDrawnInPlaceOnATerminalAndSilentOtherwise() async throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else {
            Issue.record("util-linux 'script' is missing: apt-get install -y bsdutils")
            return
        }
        try await TestDatabase.withFresh(schema: .app) { database in
            let (simulator, _) = try await World.world(
                payments: 300, seed: 61, database: database, end: .init(Date().addingTimeInterval(-3600)))
            defer { simulator.stop() }
            let config = try RunCommandTests.configFile()
            defer { try? FileManager.default.removeItem(at: config) }
            let environment = RunCommandTests.environment(simulator, database, configFile: config)

            let plain = try ProductProcess.run("credit-reconciler", ["run", "--dry-run"], environment: environment)
            #expect(plain.status == 0, "\(plain.standardError)")
            #expect(!plain.standardError.contains("\r"))
            #expect(!plain.standardError.contains("payments ("))

            // `script` gives the child a terminal; its transcript is what the terminal showed.
            let binary = ProductProcess.executable("credit-reconciler").path
            let transcript = FileManager.default.temporaryDirectory.appendingPathComponent("tty-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: transcript) }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
            process.arguments = ["-q", "-e", "-c", "\(binary) run --dry-run", transcript.path]
            var childEnvironment = environment
            childEnvironment["PATH"] = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
            process.environment = childEnvironment
            process.standardInput = FileHandle.nullDevice
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
            let shown = try String(contentsOf: transcript, encoding: .utf8)
            #expect(shown.contains("\rscanning: "), "\(shown)")
            #expect(shown.contains(" pages, "))
            #expect(shown.contains("payments ("))
            #expect(shown.contains("repairs applied"))
            #expect(shown.contains("run 1 succeeded") || shown.contains("succeeded"))
            #expect(!shown.contains(simulator.secret))
        }
    }
}
