import FinanceConsole
import Foundation
import LoopbackHTTP
import ReconcilerCore
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The shared server's limits over real sockets: connections at once, requests per kept-alive
/// connection, loopback only; and the console when its database is down.
@Suite struct LoopbackServerLimitsTests {
    static func server(_ configure: (inout HTTPServer.Limits) -> Void) throws -> HTTPServer {
        var limits = HTTPServer.Limits.service
        configure(&limits)
        let server = HTTPServer(limits: limits) { _ in .text(200, "ok\n") }
        try server.start(host: "127.0.0.1", port: 0)
        return server
    }

    @Test func connectionsBeyondTheCapAreAnswered503() async throws {
        let server = try Self.server { $0.maxConnections = 2 }
        defer { server.stop() }
        // Two connections that each finish a request and stay open (keep-alive) fill the cap.
        var held: [Int32] = []
        defer { for fd in held { close(fd) } }
        for _ in 0..<2 {
            let fd = try RawHTTP.connect(port: server.port)
            held.append(fd)
            RawHTTP.send(fd, Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
            var buffer = [UInt8](repeating: 0, count: 4096)
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            #expect(n > 0 && String(decoding: buffer[0..<max(n, 0)], as: UTF8.self).hasPrefix("HTTP/1.1 200"))
        }
        let third = try RawHTTP.exchange(port: server.port, RawHTTP.request("GET", "/"))
        #expect(third.status == 503)
        // Closing one frees a place.
        close(held.removeLast())
        try await Poll.until("a freed place is served", timeout: .seconds(30), every: .milliseconds(20)) {
            try RawHTTP.exchange(port: server.port, RawHTTP.request("GET", "/")).status == 200
        }
    }

    @Test func aKeptAliveConnectionServesAtMostItsLimitOfRequests() throws {
        let server = try Self.server { $0.maxRequestsPerConnection = 3 }
        defer { server.stop() }
        let fd = try RawHTTP.connect(port: server.port)
        defer { close(fd) }
        RawHTTP.send(fd, Array(String(repeating: "GET / HTTP/1.1\r\nHost: x\r\n\r\n", count: 5).utf8))
        let text = String(decoding: RawHTTP.readAll(fd), as: UTF8.self)
        #expect(text.components(separatedBy: "HTTP/1.1 200").count - 1 == 3)
        #expect(text.contains("Connection: close"))
    }

    @Test(arguments: ["0.0.0.0", "192.168.1.10", "::"])
    func onlyLoopbackAddressesAreAccepted(host: String) {
        let server = HTTPServer { _ in .text(200, "") }
        #expect(throws: ServerError.self) { try server.start(host: host, port: 0) }
    }

    @Test func theConsoleSaysSoWhenItsDatabaseIsDown() throws {
        let app = ConsoleApp(
            settings: ConsoleSettings(),
            sections: ConsoleSections.standard(
                data: DatabaseConsoleData(databaseURL: "postgresql://x:pw-never-shown@127.0.0.1:1/db")),
            key: Array(repeating: 1, count: 32))
        let server = ConsoleServer(app: app)
        try server.start(.loopback(host: "127.0.0.1", port: 0))
        defer { server.stop() }
        for target in ["/", "/runs", "/discrepancies"] {
            let answer = try RawHTTP.exchange(
                port: server.port, RawHTTP.request("GET", target, headers: ["X-Forwarded-User: lee"]))
            #expect(answer.status == 503, "\(target)")
            #expect(answer.body.contains("not reachable"))
            #expect(!answer.raw.contains("pw-never-shown"))
        }
    }
}
