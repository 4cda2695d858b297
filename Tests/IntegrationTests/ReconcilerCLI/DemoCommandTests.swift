import Foundation
import TestSupport
import Testing

/// `credit-reconciler demo` outside the source tree touches nothing and says where the demo is.
@Suite struct DemoCommandTests {
    @Test func anInstalledBinaryPointsAtTheSourceTree() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("installed-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let installed = folder.appendingPathComponent("credit-reconciler")
        try FileManager.default.copyItem(at: ProductProcess.executable("credit-reconciler"), to: installed)
        let process = Process()
        process.executableURL = installed
        process.arguments = ["demo"]
        process.environment = ["DATABASE_URL": "postgresql://must-not-be-used@127.0.0.1:1/prod"]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 1)
        #expect(message.contains("bash scripts/demo"), "stderr: \(message)")
    }
}
