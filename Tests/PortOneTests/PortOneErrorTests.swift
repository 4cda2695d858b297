import PortOne
import Testing

@Suite struct PortOneErrorTests {
    static let secret = "s3cr3t-portone-v2-api-secret-value"

    @Test func unauthorizedNamesTheEnvironmentVariableAndExpiry() {
        let message = PortOneError.unauthorized(serverMessage: "인증 정보가 올바르지 않습니다.").description
        #expect(message.contains("PORTONE_API_SECRET"))
        #expect(message.contains("expired"))
        #expect(message.contains("expiry date"))
    }

    @Test func forbiddenNamesTheStoreAndItsVariable() {
        let message = PortOneError.forbidden(storeId: "store-x", serverMessage: nil).description
        #expect(message.contains("PORTONE_STORE_ID"))
        #expect(message.contains("store-x"))
    }

    @Test(arguments: [
        PortOneError.invalidRequest(serverMessage: "bad"),
        .unexpectedStatus(status: 409, type: "CONFLICT", serverMessage: nil),
        .unavailable(attempts: 8, elapsed: .seconds(30), lastProblem: "server error HTTP 503"),
        .configuration(reason: "x"), .scanLimitExceeded(reason: "y"), .cancelled,
    ])
    func everyErrorHasAMessage(error: PortOneError) {
        #expect(error.description.count > 10)
    }

    @Test func theSecretNeverPrints() {
        let secret = PortOneSecret(Self.secret)
        #expect("\(secret)" == "<redacted>")
        #expect(String(reflecting: secret) == "<redacted>")
        var dumped = ""
        dump(secret, to: &dumped)
        #expect(!dumped.contains(Self.secret))
        let configuration = PortOneConfiguration(secret: secret, storeId: "s")
        var dumpedConfiguration = ""
        dump(configuration, to: &dumpedConfiguration)
        #expect(!dumpedConfiguration.contains(Self.secret))
        #expect(!"\(configuration)".contains(Self.secret))
        #expect(secret.scrub("echo: \(Self.secret)!") == "echo: <redacted>!")
    }

    @Test(arguments: [
        ("http://api.portone.io", "plain http"),
        ("http://10.0.0.1:8080", "plain http"),
        ("http://127.0.0.1.evil.example", "plain http"),
        ("ftp://127.0.0.1", "unsupported scheme"),
        ("api.portone.io", "missing scheme"),
        ("https://", "missing host"),
    ])
    func refusesUnsafeOrBrokenBaseURLs(url: String, fragment: String) {
        let configuration = PortOneConfiguration(baseURL: url, secret: PortOneSecret(Self.secret), storeId: "s")
        #expect {
            _ = try PortOneClient(configuration: configuration)
        } throws: { error in
            guard case .configuration(let reason) = error as? PortOneError else { return false }
            return reason.contains(fragment) && !reason.contains(Self.secret)
        }
    }

    @Test(arguments: [
        "https://api.portone.io", "http://127.0.0.1:8080", "http://127.1.2.3", "http://localhost:1/x",
        "http://[::1]:9/",
    ])
    func acceptsHTTPSAndLoopbackHTTP(url: String) throws {
        let configuration = PortOneConfiguration(baseURL: url, secret: PortOneSecret(Self.secret), storeId: "s")
        let client = try PortOneClient(configuration: configuration)
        #expect(client.configuration.baseURL == url)
    }

    @Test func refusesAnEmptySecretOrStore() {
        #expect(throws: PortOneError.self) {
            _ = try PortOneClient(configuration: PortOneConfiguration(secret: PortOneSecret("  "), storeId: "s"))
        }
        #expect(throws: PortOneError.self) {
            _ = try PortOneClient(configuration: PortOneConfiguration(secret: PortOneSecret("x"), storeId: ""))
        }
    }
}
