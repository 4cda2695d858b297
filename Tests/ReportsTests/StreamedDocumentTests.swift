import Foundation
import ReconcilerCore
import Testing

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
            ("fixture", full), ("failed", ReportFixture.report(locale: "en", status: "failed", error: "x\n\"y\"")),
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
    func piecesJoinIntoTheSameText(pieceSize: Int) {
        let report = Self.reports.first { $0.0 == "many entries" }!.1
        var pieces: [String] = []
        report.serializeDocument(pieceSize: pieceSize) { pieces.append($0) }
        #expect(pieces.joined() == report.document.serialized())
        #expect(pieces.allSatisfy { !$0.isEmpty })
        if pieceSize < 1_000 { #expect(pieces.count > report.fixes.count) }
    }

    @Test func theFixtureHasEveryKindOfEntry() {
        let report = ReportFixture.report()
        #expect(!report.fixes.isEmpty && !report.plannedFixes.isEmpty && !report.discrepancies.isEmpty)
        #expect(report.reconciliation != nil && !report.daily.isEmpty && !report.openDiscrepancies.isEmpty)
    }
}
