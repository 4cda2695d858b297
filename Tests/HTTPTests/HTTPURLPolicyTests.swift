import HTTP
import Testing

/// Which URLs the transport agrees to call: HTTPS anywhere, plain HTTP to a loopback address only.
@Suite struct HTTPURLPolicyTests {
    @Test(arguments: [
        ("https://api.portone.io/payments", true), ("http://127.0.0.1:8080/x", true), ("http://127.255.0.1/", true),
        ("http://localhost/", true), ("http://LOCALHOST:1/", true), ("http://[::1]:8080/", true),
        ("http://user:pw@127.0.0.1/", true), ("http://128.0.0.1/", false), ("http://127.0.0.1.nip.io/", false),
        ("http://[::2]/", false), ("http://localhost.example.com/", false), ("http://0x7f000001/", false),
        ("file:///etc/passwd", false), ("gopher://127.0.0.1/", false),
    ])
    func acceptsOnlyHTTPSOrLoopbackHTTP(url: String, accepted: Bool) {
        let result = Result { () throws(HTTPTransportError) in try HTTPURLPolicy.check(url) }
        let isAccepted = (try? result.get()) != nil
        #expect(isAccepted == accepted)
    }
}
