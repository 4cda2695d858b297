import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `credit-reconciler console` as systemd runs it: the built binary on a Unix socket, with only
/// DATABASE_URL and the configuration file; refused without them; stopped by SIGTERM.
@Suite struct ConsoleCommandTests {
    @Test func theBinaryServesOnAUnixSocketAndStopsOnSIGTERM() async throws {
        try await TestDatabase.withFresh(schema: .app) { database in
            let config = try RunCommandTests.configFile(
                RunCommandTests.configuration.replacingOccurrences(
                    of: #""policy":"#, with: #""console": {"editors": ["kim"]}, "policy":"#))
            defer { try? FileManager.default.removeItem(at: config) }
            let url = database.url.conninfoIncludingPassword
            let migrate = try ProductProcess.run(
                "credit-reconciler", ["migrate"], environment: ["DATABASE_URL": url, "RECONCILER_CONFIG": config.path])
            #expect(migrate.status == 0, "\(migrate.standardError)")

            let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
                "console-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let socket = folder.appendingPathComponent("console.sock").path
            // No PortOne secret, no SMTP_URL: the console needs neither.
            let console = try ProductProcess.start(
                "credit-reconciler", ["console", "--listen", "unix:\(socket)"],
                environment: ["DATABASE_URL": url, "RECONCILER_CONFIG": config.path])
            defer { console.kill() }
            try await Poll.until("the console listens on \(socket)", timeout: .seconds(60)) {
                FileManager.default.fileExists(atPath: socket)
            }
            let attributes = try FileManager.default.attributesOfItem(atPath: socket)
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o660)

            let page = try RawHTTP.exchange(
                unixSocket: socket, RawHTTP.request("GET", "/", headers: ["X-Forwarded-User: kim"]))
            #expect(page.status == 200)
            // The configuration's reports.locale (ko by default) is the console's language too.
            #expect(page.body.contains("<html lang=\"ko\">") && page.body.contains("미해결 불일치: 0건"))
            let anonymous = try RawHTTP.exchange(unixSocket: socket, RawHTTP.request("GET", "/runs"))
            #expect(anonymous.status == 401)

            _ = Glibc.kill(console.pid, SIGTERM)
            let outcome = try console.waitForExit()
            #expect(outcome.status == 0, "\(outcome.standardError)")
            #expect(outcome.standardError.contains("listening on unix:\(socket)"))
            #expect(!FileManager.default.fileExists(atPath: socket), "the socket file is removed on stop")
        }
    }

    @Test func withoutTheDatabaseOrWithABadListenAddressItRefusesToStart() throws {
        let config = try RunCommandTests.configFile()
        defer { try? FileManager.default.removeItem(at: config) }
        let noDatabase = try ProductProcess.run(
            "credit-reconciler", ["console"], environment: ["RECONCILER_CONFIG": config.path])
        #expect(noDatabase.status == 78)
        #expect(noDatabase.standardError.contains("DATABASE_URL is not set"))
        let everywhere = try ProductProcess.run(
            "credit-reconciler", ["console", "--listen", "0.0.0.0:8470"],
            environment: ["RECONCILER_CONFIG": config.path, "DATABASE_URL": "postgresql://x@127.0.0.1:1/db"])
        #expect(everywhere.status == 64)
        #expect(everywhere.standardError.contains("loopback"))
        let down = try ProductProcess.run(
            "credit-reconciler", ["console", "--listen", "127.0.0.1:18470"],
            environment: [
                "RECONCILER_CONFIG": config.path, "DATABASE_URL": "postgresql://x:pw-never-printed@127.0.0.1:1/db",
            ])
        #expect(down.status == 69)
        #expect(!down.standardError.contains("pw-never-printed"))
    }
}
