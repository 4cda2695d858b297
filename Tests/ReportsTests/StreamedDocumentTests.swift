import Foundation
import ReconcilerCore
import Testing
import WireFormat

@testable import Reports

/// `RunReport.serializedDocument` writes the document entry by entry (a run with tens of
/// thousands of repairs never holds the whole tree); it must be the same text, byte for byte,
/// as serializing the tree, or stored reports would change with the run's size.
@Suite struct StreamedDocumentTests {
    static var reports: [(String, RunReport)] {
        let full = ReportFixture.report()
        var empty = full
        empty.fixes = []
        empty.plannedFixes = []
        empty.discrepancies = []
        empty.reconciliation = nil
        empty.daily = []
        var byId = full
        byId.run.paymentIds = ["pay-1", "pay-\"quoted\"", "결제-2"]
        byId.run.windowFrom = nil
        byId.run.windowUntil = nil
        var many = full
        many.fixes = Array(repeating: full.fixes, count: 50).flatMap { $0 }
        many.discrepancies = Array(repeating: full.discrepancies, count: 50).flatMap { $0 }
        return [
            ("fixture", full), ("failed", ReportFixture.report(locale: "en", status: .failed, error: "x\n\"y\"")),
            ("no entries, no reconciliation", empty), ("payment ids", byId), ("many entries", many),
        ]
    }

    @Test(arguments: reports.map(\.0))
    func streamedTextEqualsTheSerializedTree(name: String) throws {
        let report = try #require(Self.reports.first { $0.0 == name }?.1)
        let streamed = report.serializedDocument
        #expect(streamed == report.document.serialized())
        #expect(try JSONValue.parse(Data(streamed.utf8)) == report.document)
    }

    @Test(arguments: [1, 100, 1_000, 1 << 20])
    func piecesJoinIntoTheSameText(pieceSize: Int) throws {
        let report = Self.reports.first { $0.0 == "many entries" }!.1
        var pieces: [String] = []
        try report.serializeDocument(pieceSize: pieceSize) { pieces.append($0) }
        #expect(pieces.joined() == report.document.serialized())
        #expect(pieces.allSatisfy { !$0.isEmpty })
        if pieceSize < 1_000 { #expect(pieces.count > report.fixes.count) }
    }

    @Test(arguments: [0, 1, 150])
    func streamedFixesReplaceTheArray(count: Int) throws {
        let full = ReportFixture.report()
        var expected = full
        expected.fixes = (0..<count).map { full.fixes[$0 % full.fixes.count] }
        var stored = full
        stored.fixes = []
        var pieces: [String] = []
        let fixes = expected.fixes
        try stored.serializeDocument(
            pieceSize: 500, streams: RunReport.Streams(fixes: { each in for fix in fixes { try each(fix) } }),
            emit: { pieces.append($0) })
        #expect(pieces.joined() == expected.document.serialized())
    }

    @Test(arguments: [0, 1, 120])
    func streamedDiscrepanciesAndTheirChangesReplaceTheArray(count: Int) throws {
        let full = ReportFixture.report()
        var expected = full
        expected.discrepancies = (0..<count).map { full.discrepancies[$0 % full.discrepancies.count] }
        var changes: [String: Int] = [:]
        for entry in expected.discrepancies {
            changes[RunReport.change(of: entry, runId: full.run.id), default: 0] += 1
        }
        #expect(count < 100 || changes.count == 3, "the fixture has entries of every kind of change")
        var stored = full
        stored.discrepancies = []
        stored.fixes = []
        var pieces: [String] = []
        let (entries, fixes) = (expected.discrepancies, expected.fixes)
        try stored.serializeDocument(
            pieceSize: 700,
            streams: RunReport.Streams(
                fixes: { each in for fix in fixes { try each(fix) } },
                discrepancies: { each in for entry in entries { try each(entry) } }, changes: changes),
            emit: { pieces.append($0) })
        #expect(pieces.joined() == expected.document.serialized())
    }

    @Test func aFailingFixStreamStopsTheDocument() {
        struct Gone: Error {}
        var pieces: [String] = []
        #expect(throws: Gone.self) {
            try ReportFixture.report().serializeDocument(
                pieceSize: 1, streams: RunReport.Streams(fixes: { _ in throw Gone() }), emit: { pieces.append($0) })
        }
        #expect(!pieces.isEmpty)
        #expect(throws: JSONSyntaxError.self, "a document cut short must not parse") {
            try JSONValue.parse(Data(pieces.joined().utf8))
        }
    }

    @Test func paymentsReadBackAsTheDocumentWritesThem() throws {
        let payments =
            ReportFixture.report().fixes.compactMap(\.payment) + [
                RunReport.Payment(
                    status: "PAID", currency: "KRW", totalAmount: 0, cancelledAmount: 0, orderName: "\"q\" 결제",
                    paidAt: nil, cancelledAt: nil, statusChangedAt: nil, package: nil)
            ]
        #expect(!payments.isEmpty)
        for payment in payments {
            let text = payment.json.serialized()
            let back = try #require(RunReport.Payment(json: try JSONValue.parse(Data(text.utf8))))
            #expect(back.json.serialized() == text)
        }
        #expect(RunReport.Payment(json: .object(["status": .string("PAID")])) == nil)
        #expect(RunReport.Payment(json: .string("PAID")) == nil)
    }

    @Test func theFixtureHasEveryKindOfEntry() {
        let report = ReportFixture.report()
        #expect(!report.fixes.isEmpty && !report.plannedFixes.isEmpty && !report.discrepancies.isEmpty)
        #expect(report.reconciliation != nil && !report.daily.isEmpty && !report.openDiscrepancies.isEmpty)
    }
}
