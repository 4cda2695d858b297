import Foundation
import Testing

@testable import PortOneSimulator

@Suite struct SimulatorOptionsTests {
    @Test func parsesEveryKindOfFlag() throws {
        let o = try SimulatorOptions.parse([
            "--port", "0", "--generate", "100", "--seed", "9", "--from", "2026-11-01", "--until=2026-11-20T00:00:00Z",
            "--rate-limit-every", "7", "--missed-refund", "0.5", "--failed-rate", "0.2", "--ledger-out", "/tmp/x",
            "--latency-ms", "5",
        ])
        #expect(o.generate == 100 && o.seed == 9)
        #expect(o.faults.rateLimitEvery == 7 && o.faults.latencyMs == 5)
        #expect(o.ledger.missedRefundRate == 0.5)
        let g = try #require(o.generatorOptions())
        #expect(g.failedRate == 0.2)
        #expect(g.from.description == "2026-11-01T00:00:00Z" && g.until.description == "2026-11-20T00:00:00Z")
    }

    @Test(arguments: [
        (["--bogus"], "unknown argument"),
        (["--port"], "needs a value"),
        (["--port", "70000"], "--port must be"),
        (["--host", "0.0.0.0"], "loopback"),
        (["--generate", "-1"], "--generate must be"),
        (["--seed", "x"], "--seed must be"),
        (["--failed-rate", "2"], "between 0 and 1"),
        (["--missed-refund", "some"], "--missed-refund must be"),
        (["--from", "yesterday", "--generate", "1"], "--from must be"),
        (["--generate", "1", "--data", "f"], "either --generate or --data"),
        (["--generate", "1", "--from", "2026-11-02", "--until", "2026-11-01"], "before --until"),
        (["--until", "2026-11-01"], "only apply to --generate"),
        (["--data", "x.jsonl", "--failed-rate", "0.1"], "only apply to --generate"),
    ])
    func badArgumentsAreUsageErrors(arguments: [String], fragment: String) {
        do {
            _ = try SimulatorOptions.parse(arguments)
            Issue.record("\(arguments) was accepted")
        } catch {
            #expect(error.exitCode == 64)
            #expect(error.description.contains(fragment), "\(error.description)")
            #expect(!error.description.contains("\n"))
        }
    }

    @Test func helpDocumentsEveryFlag() throws {
        let source = try String(
            contentsOfFile: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
                .appendingPathComponent("../../Sources/PortOneSimulator/SimulatorOptions.swift").path, encoding: .utf8)
        let flags = source.split(separator: "\"").filter { $0.hasPrefix("--") && !$0.contains(" ") && $0.count > 3 }
        #expect(flags.count > 30)
        let help = SimulatorOptions.helpText
        for flag in Set(flags) { #expect(help.contains(flag), "--help does not mention \(flag)") }
        for (name, _, _) in SimulatorOptions.shareFlags { #expect(help.contains("--\(name)")) }
    }

    @Test func missingSecretIsAUsageError() {
        #expect(SimulatorMain.run(arguments: ["--no-serve"], environment: [:]) == 64)
        #expect(SimulatorMain.run(arguments: ["--help"], environment: [:]) == 0)
    }
}
