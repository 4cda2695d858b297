import Foundation
import Testing

@testable import PortOneSimulator

@Suite struct DataSetFileTests {
    func temporary(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("\(UUID().uuidString)-\(name)").path
    }

    @Test func saveThenLoadGivesTheSameBytes() throws {
        let generator = DataSetGenerator(options: GeneratorOptions(count: 500, seed: 8))
        let (store, _) = try PaymentStore.build(
            count: 500, make: { generator.payment(at: $0) }, extract: { _ in Int?.none })
        let path = temporary("data.jsonl")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try DataSetFile.save(store, to: path)
        let (loaded, _) = try DataSetFile.load(path, extract: { _ in Int?.none })
        #expect(loaded.allJSON() == store.allJSON())
    }

    @Test(arguments: [
        ("{\"id\":\"x\"}", ":2: not a PortOne payment: missing field"),
        ("not json at all", ":2: not a PortOne payment"),
        ("{\"status\":\"PAID\",\"id\":1}", ":2: not a PortOne payment"),
    ])
    func badLinesNameTheFileAndLine(line: String, fragment: String) throws {
        let generator = DataSetGenerator(options: GeneratorOptions(count: 1, seed: 8))
        let good = String(decoding: generator.payment(at: 0).renderJSON(), as: UTF8.self)
        let path = temporary("bad.jsonl")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try (good + "\n" + line + "\n\n").write(toFile: path, atomically: true, encoding: .utf8)
        do {
            _ = try DataSetFile.load(path, extract: { _ in Int?.none })
            Issue.record("bad data was accepted")
        } catch {
            #expect(error.exitCode == 65)
            #expect(error.description.hasPrefix(path + ":2:"), "\(error.description)")
            #expect(error.description.contains(fragment), "\(error.description)")
        }
    }

    @Test func aMissingFileExits66() {
        #expect(throws: SimulatorFailure.self) {
            try DataSetFile.load("/nonexistent/data.jsonl", extract: { _ in Int?.none })
        }
        #expect(
            SimulatorMain.run(
                arguments: ["--data", "/nonexistent/data.jsonl", "--no-serve"], environment: ["PORTONE_API_SECRET": "s"]
            ) == 66)
    }
}
