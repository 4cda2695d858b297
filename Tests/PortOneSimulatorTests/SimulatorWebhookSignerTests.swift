import Foundation
import PortOneSimulator
import Testing

/// The Standard Webhooks signer against API-NOTES §8's test vector and RFC 4231's HMAC vectors.
@Suite struct SimulatorWebhookSignerTests {
    /// The compact body of `examples/webhook-2024-04-25-Transaction.Cancelled.json` (279 bytes).
    static let body = Array(
        #"{"type":"Transaction.Cancelled","timestamp":"2024-04-25T10:00:00.000Z","data":{"paymentId":"example-payment-id","storeId":"store-ae356798-3d20-4969-b739-14c6b0e1a667","transactionId":"55451513-9763-4a7a-bb43-78a4c65be843","cancellationId":"0cdd91e9-4e7c-44a3-a72e-1a6511826c2b"}}"#
            .utf8)

    @Test(arguments: ["pzQGE83cSIRKM4/WH5QY+g==", "whsec_pzQGE83cSIRKM4/WH5QY+g=="])
    func reproducesTheAPINotesTestVector(secret: String) throws {
        #expect(Self.body.count == 279)
        let signer = try #require(WebhookSigner(secret: secret))
        #expect(
            signer.signature(webhookId: "dummy-webhook-id", timestamp: 1_714_039_200, body: Self.body)
                == "v1,WcpSrH93A5Nq8FBp6WrpXA90yfYzfsbFptlaKixYHQ0=")
    }

    @Test func verifiesAnyMatchingEntryAndNothingElse() throws {
        let signer = try #require(WebhookSigner(secret: "pzQGE83cSIRKM4/WH5QY+g=="))
        let good = "v1,WcpSrH93A5Nq8FBp6WrpXA90yfYzfsbFptlaKixYHQ0="
        func verify(_ header: String, body: [UInt8] = Self.body, timestamp: Int64 = 1_714_039_200) -> Bool {
            signer.verify(webhookId: "dummy-webhook-id", timestamp: timestamp, body: body, header: header)
        }
        #expect(verify(good))
        #expect(verify("v1,AAAA \(good)"), "a rotated secret's entry first")
        #expect(!verify("v1,WcpSrH93A5Nq8FBp6WrpXA90yfYzfsbFptlaKixYHQ1="))
        #expect(!verify(good, body: Self.body + [32]), "the raw body, byte for byte")
        #expect(!verify(good, timestamp: 1_714_039_201))
        #expect(!verify(""))
        #expect(WebhookSigner(secret: "not base64!") == nil)
        #expect(WebhookSigner(secret: "whsec_") == nil)
    }
}
