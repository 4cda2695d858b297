import Testing

@testable import HTTP

/// `SMTP_URL` checked: smtps or smtp only, a host, no whitespace; messages never repeat it.
@Suite struct SMTPSettingsTests {
    @Test(arguments: [
        ("smtps://reports:s3cr3t-pw@mail.example.com:465", "mail.example.com", true),
        ("smtp://mail.example.com:587", "mail.example.com", false),
        ("SMTP://relay.internal", "relay.internal", false),
        ("smtps://user%40example.com:p%40ss@[::1]:465", "[::1]", true),
    ])
    func acceptsSMTPAndSMTPS(url: String, host: String, implicitTLS: Bool) throws {
        let settings = try SMTPSettings(url: url)
        #expect(settings.host == host)
        #expect(settings.implicitTLS == implicitTLS)
    }

    @Test(arguments: [
        ("http://user:s3cr3t-pw@mail.example.com", "smtps://"),
        ("mail.example.com:587", "smtps://"),
        ("smtps://user:s3cr3t-pw@:465", "no host"),
        ("smtps://user:s3cr3t-pw@mail example.com", "SMTP_URL"),
        ("smtp://user:s3cr3t-pw@mail.example.com\r\nRCPT TO:<x@y>", "SMTP_URL"),
    ])
    func refusesOthersWithoutRepeatingThem(url: String, says: String) {
        do {
            _ = try SMTPSettings(url: url)
            Issue.record("accepted \(url)")
        } catch {
            #expect(error.description.contains(says), "\(error.description)")
            #expect(!error.description.contains("s3cr3t-pw"))
        }
    }

    @Test func aRelativeCAFileIsRefused() {
        #expect(throws: SMTPError.self) { try SMTPSettings(url: "smtp://mail.example.com", caFile: "ca.pem") }
    }

    @Test func libcurlMessagesLoseTheUserAndPassword() throws {
        let settings = try SMTPSettings(url: "smtps://reports-user:s3cr3t%2Dpw@mail.example.com")
        let redacted = settings.redacting("Login denied for reports-user with s3cr3t-pw (s3cr3t%2Dpw)")
        #expect(!redacted.contains("s3cr3t") && !redacted.contains("reports-user"))
    }

    @Test(arguments: ["a@b.co", "finance+recon@example.co.kr"])
    func envelopeAddressesPass(address: String) {
        #expect(SMTPSettings.isEnvelopeAddress(address))
    }

    @Test(arguments: ["", "nobody", "a@b.co>\r\nRCPT TO:<x@y", "a b@c.d", "<a@b.co>"])
    func envelopeInjectionIsRefused(address: String) {
        #expect(!SMTPSettings.isEnvelopeAddress(address))
    }
}
