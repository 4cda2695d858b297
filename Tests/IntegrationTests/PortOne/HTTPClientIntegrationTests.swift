import Foundation
import HTTP
import TestSupport
import Testing

/// The libcurl transport against the simulator over loopback: statuses, headers, keep-alive
/// and the typed transport failures the simulator injects.
@Suite(.serialized) struct HTTPClientIntegrationTests {
    static let secret = "sk-http-test-5d4c3b2a1f0e"

    static func client(workers: Int = 1) -> HTTPClient {
        HTTPClient(
            configuration: HTTPClientConfiguration(
                userAgent: "credit-reconciler-tests/1", connectTimeout: .seconds(2), totalTimeout: .seconds(10),
                maximumConcurrentRequests: workers))
    }

    static func get(_ simulator: SimulatorProcess, _ path: String, secret: String = secret) -> HTTPRequest {
        HTTPRequest(url: simulator.baseURL + path, headers: [("Authorization", "PortOne " + secret)])
    }

    @Test func returnsStatusHeadersAndBodyAndReusesTheConnection() async throws {
        let simulator = try await SimulatorProcess.start(secret: Self.secret, arguments: ["--generate", "20"])
        defer { simulator.stop() }
        let client = Self.client()
        let first = try await client.send(Self.get(simulator, "/payments/nope?storeId=" + SimulatorProcess.storeId))
        #expect(first.status == 404)
        #expect(first.header("content-type")?.hasPrefix("application/json") == true)
        #expect(String(decoding: first.body, as: UTF8.self).contains("PAYMENT_NOT_FOUND"))
        #expect(!first.reusedConnection)
        for _ in 0..<5 {
            let again = try await client.send(Self.get(simulator, "/payments/nope"))
            #expect(again.status == 404)
            #expect(again.reusedConnection, "one worker keeps its connection alive")
        }
        let unauthorized = try await client.send(Self.get(simulator, "/payments", secret: "wrong"))
        #expect(unauthorized.status == 401)
    }

    @Test func rateLimitsCarryRetryAfter() async throws {
        let simulator = try await SimulatorProcess.start(secret: Self.secret, arguments: ["--generate", "5"])
        defer { simulator.stop() }
        try await simulator.setFaults(["rateLimitEvery": 1, "retryAfterSeconds": 7])
        let response = try await Self.client().send(Self.get(simulator, "/payments"))
        #expect(response.status == 429)
        #expect(response.header("Retry-After") == "7")
    }

    @Test func droppedConnectionsAndTruncatedBodiesAreTypedErrors() async throws {
        let simulator = try await SimulatorProcess.start(secret: Self.secret, arguments: ["--generate", "50"])
        defer { simulator.stop() }
        let client = Self.client()
        try await simulator.setFaults(["dropConnectionEvery": 1])
        await #expect {
            _ = try await client.send(Self.get(simulator, "/payments"))
        } throws: { error in
            guard case .connectionReset = error as? HTTPTransportError else { return false }
            return (error as? HTTPTransportError)?.isTransient == true
        }
        try await simulator.setFaults(["truncateEvery": 1])
        await #expect {
            _ = try await client.send(
                Self.get(simulator, "/payments?requestBody=%7B%22page%22%3A%7B%22size%22%3A50%7D%7D"))
        } throws: { error in
            guard case .truncatedBody = error as? HTTPTransportError else { return false }
            return true
        }
    }

    @Test func refusedConnectionsAndInsecureURLsAreTypedErrors() async throws {
        let simulator = try await SimulatorProcess.start(secret: Self.secret, arguments: [])
        let url = simulator.baseURL
        simulator.stop()
        let client = Self.client()
        await #expect {
            _ = try await client.send(HTTPRequest(url: url + "/payments"))
        } throws: { error in
            guard case .connectionFailed = error as? HTTPTransportError else { return false }
            return true
        }
        await #expect {
            _ = try await client.send(
                HTTPRequest(url: "http://example.com/payments", headers: [("Authorization", "PortOne x")]))
        } throws: { error in
            guard case .insecureURL(let host) = error as? HTTPTransportError else { return false }
            return host == "example.com" && "\(error)".contains("loopback")
        }
        await #expect {
            _ = try await client.send(
                HTTPRequest(url: url + "/x", headers: [("Authorization", "PortOne a\r\nX-Injected: 1")]))
        } throws: { error in
            guard case .invalidRequest(let reason) = error as? HTTPTransportError else { return false }
            return !reason.contains("PortOne a")
        }
    }
}
