import Foundation
import PortOne
import ReconcilerCore
import Testing

/// Malformed and hostile payment JSON through both decoders, inside a page between two good
/// payments: never a crash, never a lost neighbour, and the hostile item is either refused with
/// a reason naming what was wrong (reported as `UNPARSEABLE_PAYMENT`) or kept with exactly the
/// values it carried (for the reconciler's rules to judge; invalid UTF-8 is refused, never
/// repaired into U+FFFD), or the whole page is refused as
/// unreadable (the run then fails cleanly).
@Suite struct HostilePaymentCorpusTests {
    typealias Decoding = PaymentDecodingTests.DecoderKind

    /// What a hostile item must become.
    enum Outcome: Sendable, CustomStringConvertible {
        /// The item is a `PaymentDecodingFailure` whose reason contains one of the texts.
        case refused([String])
        /// Either is safe (a duplicate member: which one counts is the decoder's choice).
        case refusedOrKept
        /// The item decodes; the check holds on it.
        case kept(@Sendable (Payment) -> Bool)
        /// The page as a whole is refused (`PortOneDecodingError`).
        case pageRefused

        var description: String {
            switch self {
            case .refused(let texts): return "refused(\(texts))"
            case .refusedOrKept: return "refusedOrKept"
            case .kept: return "kept"
            case .pageRefused: return "pageRefused"
            }
        }
    }

    /// One hostile variant of the realistic KakaoPay payment: `original` replaced by `replacement`.
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var original: String
        var replacement: [UInt8]
        var outcome: Outcome
        var testDescription: String { name }

        init(_ name: String, _ original: String, _ replacement: String, _ outcome: Outcome) {
            self.init(name, original, Array(replacement.utf8), outcome)
        }

        init(_ name: String, _ original: String, _ replacement: [UInt8], _ outcome: Outcome) {
            self.name = name
            self.original = original
            self.replacement = replacement
            self.outcome = outcome
        }

        /// The hostile payment's bytes.
        var payment: [UInt8] {
            let text = PaymentDecodingTests.paidKakaoPay
            guard let range = text.range(of: original) else { fatalError("\(original) not in the base payment") }
            return Array(text[..<range.lowerBound].utf8) + replacement + Array(text[range.upperBound...].utf8)
        }
    }

    static let good = Array(PaymentDecodingTests.paidKakaoPay.utf8)
    static let tenMegabytes = String(repeating: "가", count: 10 * 1024 * 1024 / 3)
    static let deep = 100_000

    static let cases: [Case] = [
        Case("total as a string", #""total":30000"#, #""total":"30000""#, .refused(["amount.total", "total"])),
        Case(
            "total beyond Int64", #""total":30000"#, #""total":99999999999999999999999"#,
            .refused(["amount.total", "99999999999999999999999"])),
        Case("total as 1e400", #""total":30000"#, #""total":1e400"#, .refused(["amount.total", "1e400"])),
        Case("total with a fraction", #""total":30000"#, #""total":30000.5"#, .refused(["amount.total", "30000.5"])),
        Case("total Int64.max", #""total":30000"#, #""total":9223372036854775807"#, .kept { $0.amount.total == .max }),
        Case("total Int64.min", #""total":30000"#, #""total":-9223372036854775808"#, .kept { $0.amount.total == .min }),
        Case("negative paid", #""paid":30000"#, #""paid":-30000"#, .kept { $0.amount.paid == -30000 }),
        Case(
            "cancelled above total", #""cancelled":0,"#, #""cancelled":90000,"#, .kept { $0.amount.cancelled == 90000 }),
        Case("status as a number", #""status":"PAID""#, #""status":7"#, .refused(["status"])),
        Case("status null", #""status":"PAID""#, #""status":null"#, .refused(["status"])),
        Case("id null", #""id":"pay-01J8ZK""#, #""id":null"#, .refused(["id"])),
        Case("id an object", #""id":"pay-01J8ZK""#, #""id":{"$ne":1}"#, .refused(["id"])),
        Case(
            "id with SQL", #""id":"pay-01J8ZK""#, #""id":"x'); DROP TABLE \"CreditTransaction\";--""#,
            .kept { $0.id == #"x'); DROP TABLE "CreditTransaction";--"# }),
        Case("id with NUL", #""id":"pay-01J8ZK""#, #""id":"pay\u0000zk""#, .refusedOrKept),
        Case(
            "lone surrogate escape", #""orderName":"베이직 크레딧 330개""#, #""orderName":"\uD800x""#,
            .refused(["surrogate", "Surrogate"])),
        Case(
            "invalid UTF-8 in a string", #""orderName":"베이직 크레딧 330개""#,
            Array(#""orderName":""#.utf8) + [0xFF, 0xFE, 0xC0, 0x80] + Array(#"""#.utf8),
            .refused(["UTF-8", "UTF8"])),
        Case(
            "invalid UTF-8 in the id", #""id":"pay-01J8ZK""#,
            Array(#""id":"pay-"#.utf8) + [0xED, 0xA0, 0x80] + Array(#"""#.utf8),
            .refused(["UTF-8", "UTF8"])),
        Case(
            "10 MB order name", #""orderName":"베이직 크레딧 330개""#, #""orderName":"\#(tenMegabytes)""#,
            .kept { $0.orderName.utf8.count == tenMegabytes.utf8.count }),
        Case(
            "10 MB customData", #""customData":"{\"userId\":\"user-42\",\"packageId\":\"basic\"}""#,
            #""customData":"\#(tenMegabytes)""#, .kept { $0.customDataFields == nil }),
        Case(
            "customData an object", #""customData":"{\"userId\":\"user-42\",\"packageId\":\"basic\"}""#,
            #""customData":{"userId":"user-42","packageId":"basic"}"#, .refused(["customData"])),
        Case(
            "customData nested deeply in its string",
            #""customData":"{\"userId\":\"user-42\",\"packageId\":\"basic\"}""#,
            #""customData":"\#(String(repeating: "[", count: deep))""#, .kept { $0.customDataFields == nil }),
        Case(
            "an unknown field nested deeply", #""brandNewTopLevelField":[1,2,3]"#,
            #""brandNewTopLevelField":\#(String(repeating: "[", count: deep))\#(String(repeating: "]", count: deep))"#,
            .pageRefused),
        Case("a status twice", #""status":"PAID""#, #""status":"PAID","status":"CANCELLED""#, .refusedOrKept),
        Case(
            "requestedAt not a date", #""requestedAt":"2026-09-07T07:12:38.366979621Z""#,
            #""requestedAt":"yesterday""#, .refused(["requestedAt"])),
        Case(
            "amount missing",
            #""amount":{"total":30000,"taxFree":0,"vat":2727,"supply":27273,"discount":0,"paid":30000,"cancelled":0,"cancelledTaxFree":0},"#,
            "", .refused(["amount"])),
        Case("currency unknown", #""currency":"KRW""#, #""currency":"XXX""#, .kept { _ in true }),
    ]

    /// PostgreSQL cannot store NUL: the engine's decoder refuses it anywhere in a payment, so the
    /// payment is reported unparseable instead of failing every run that meets it.
    @Test(arguments: [#""id":"pay\u0000zk""#, #""orderName":"a\u0000b""#, #""pgTxId":"\u0000""#])
    func theFastDecoderRefusesNUL(member: String) throws {
        let body = PaymentDecodingTests.paidKakaoPay.replacingOccurrences(
            of: #""\#(member.split(separator: "\"")[1])":"#, with: "\"ignored\":")
        let hostile = String(body.dropLast()) + "," + member + "}"
        let page = try FastPortOneDecoder().decodePaymentsPage(
            Array(#"{"items":[\#(hostile)],"page":{"number":0,"size":1,"totalCount":1}}"#.utf8))
        guard case .failure(let failure) = try #require(page.items.first) else {
            Issue.record("\(member) was accepted")
            return
        }
        #expect(failure.reason.contains("NUL"), "\(failure.reason)")
    }

    @Test(arguments: Decoding.allCases, cases)
    func aHostilePaymentNeverCrashesNorLosesItsNeighbours(decoding: Decoding, hostile: Case) throws {
        var body = Array(#"{"items":["#.utf8) + Self.good + Array(",".utf8) + hostile.payment
        body += Array(",".utf8) + Self.good + Array(#"],"page":{"number":0,"size":3,"totalCount":3}}"#.utf8)
        let page: PaymentsPage
        do {
            page = try decoding.decoder.decodePaymentsPage(body)
        } catch {
            guard case .pageRefused = hostile.outcome else {
                Issue.record("\(hostile.name): the page was refused (\(error)), expected \(hostile.outcome)")
                return
            }
            #expect(!"\(error)".isEmpty)
            return
        }
        try #require(page.items.count == 3, "\(hostile.name)")
        #expect((try? page.items[0].get())?.id == "pay-01J8ZK")
        #expect((try? page.items[2].get())?.id == "pay-01J8ZK")
        switch (hostile.outcome, page.items[1]) {
        case (.refused(let texts), .failure(let failure)):
            #expect(texts.contains { failure.reason.contains($0) }, "\(hostile.name): \(failure.reason)")
        case (.refusedOrKept, _):
            break
        case (.kept(let check), .success(let payment)):
            #expect(check(payment), "\(hostile.name)")
        default:
            Issue.record("\(hostile.name): got \(page.items[1]), expected \(hostile.outcome)")
        }
    }
}
