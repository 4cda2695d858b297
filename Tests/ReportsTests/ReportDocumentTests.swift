import Foundation
import ReconcilerCore
import Reports
import Testing
import WireFormat

/// The JSON document keeps the ARCHITECTURE §6.2 contract and carries what finance needs.
@Suite struct ReportDocumentTests {
    @Test func documentKeepsTheDesignContract() throws {
        let document = ReportFixture.report().document
        #expect(ReportContract.violations(document) == [])
        // Stored text reads back to the same value.
        #expect(try JSONValue.parse(Data(document.serialized().utf8)) == document)
    }

    @Test func contractCheckCatchesAMissingField() {
        guard case .object(var root) = ReportFixture.report().document, case .object(var totals)? = root["totals"]
        else {
            Issue.record("fixture is not an object")
            return
        }
        totals["matched"] = nil
        root["totals"] = .object(totals)
        #expect(ReportContract.violations(.object(root)) == ["$.totals.matched is missing"])
    }

    @Test func changesCountNewRecurringAndClosed() {
        let document = ReportFixture.report().document
        #expect(document["changes"] == .object(["new": .integer(12), "recurring": .integer(1), "closed": .integer(1)]))
        let closed = document["discrepancies"].arrayValue.first { $0["kind"] == .string("CREDIT_MISMATCH") }
        #expect(closed?["change"] == .string("closed"))
        #expect(closed?["reviewerAction"].stringValue?.isEmpty == false)
    }

    @Test func reconciliationAddsUp() {
        let reconciliation = ReportFixture.report().document["reconciliation"]
        let difference = reconciliation["difference"].integerValue ?? 0
        let explained = reconciliation["explained"].arrayValue.reduce(Int64(0)) {
            $0 + ($1["credits"].integerValue ?? 0)
        }
        #expect(difference == explained)
        #expect(
            reconciliation["ledgerAfter"].integerValue
                == (reconciliation["ledgerBefore"].integerValue ?? 0) + 100 - 300)
        #expect(reconciliation["netKRW"] == .integer(24_500_000 - 1_250_000))
    }
}

/// The CSV, read back by a strict RFC 4180 parser.
@Suite struct CSVReadBackTests {
    static func table(locale: String) throws -> [[String]] {
        let csv = CSVReport.render(ReportFixture.report(locale: locale).document)
        #expect(csv.hasPrefix("\u{FEFF}"))
        return try RFC4180Parser.parse(String(csv.dropFirst()))
    }

    @Test func koreanHeadersAndRowsSurviveAStrictParser() throws {
        let rows = try Self.table(locale: "ko")
        let header = try #require(rows.first)
        #expect(header.first == "구분")
        #expect(header.contains("사용자 이메일"))
        #expect(header.contains("결제 시각(KST)"))
        // 2 repairs + 3 planned + 13 discrepancies.
        #expect(rows.count == 1 + 2 + 3 + DiscrepancyKind.allCases.count)
        let column = Dictionary(uniqueKeysWithValues: header.enumerated().map { ($1, $0) })
        let refund = try #require(rows.first { $0[column["결제 ID"]!] == "pay-refund-1" })
        #expect(refund[column["사용자 이메일"]!] == "김민수@example.kr")
        #expect(refund[column["패키지"]!] == "프로")
        #expect(refund[column["결제 금액(원)"]!] == "50000")
        #expect(refund[column["취소 금액(원)"]!] == "25000")
        // 2026-10-31T01:02:03Z is 10:02:03 in Seoul.
        #expect(refund[column["취소 시각(KST)"]!] == "2026-10-31 10:02:03")
        #expect(refund[column["보정 후 잔액"]!] == "-50")
        #expect(refund[column["조치"]!] == "차감")
    }

    @Test func externalTextCannotRunAsAFormula() throws {
        let rows = try Self.table(locale: "en")
        let header = rows[0]
        #expect(header.first == "section")
        let email = header.firstIndex(of: "user e-mail")!
        let detail = header.firstIndex(of: "detail")!
        #expect(rows[1][email] == "'=cmd|' /C calc'!A0@evil.example")
        let unresolved = try #require(rows.first { $0.contains("UNRESOLVED_PAYMENT") })
        #expect(unresolved[detail] == "'+82-10 주문명 \"<script>alert(1)</script>\", 금액 10,000")
        let unknown = try #require(rows.first { $0.contains("UNKNOWN_USER") })
        #expect(unknown[detail] == "'@SUM(1+1) 사용자 없음\nnew line")
        // Our own negative numbers stay numbers.
        #expect(rows[2][header.firstIndex(of: "balance after")!] == "-50")
        for row in rows.dropFirst() {
            for cell in row where !cell.isEmpty && Int64(cell) == nil {
                #expect(!["=", "+", "-", "@", "\t", "\r"].contains(cell.first!), "unescaped cell \(cell)")
            }
        }
    }

    @Test func parserRefusesBrokenCSV() {
        #expect(throws: RFC4180Parser.Failure.self) { try RFC4180Parser.parse("a,b\r\n\"x,y\r\n") }
        #expect(throws: RFC4180Parser.Failure.self) { try RFC4180Parser.parse("a,b\r\nx\"y,z\r\n") }
        #expect(throws: RFC4180Parser.Failure.self) { try RFC4180Parser.parse("a,b\r\nx\r\n") }
        #expect(throws: RFC4180Parser.Failure.self) { try RFC4180Parser.parse("a,b\nx,y\n") }
    }
}

/// The HTML page is one self-contained document: no script, nothing fetched, data escaped.
@Suite struct HTMLReportTests {
    @Test func pageIsSelfContainedAndEscaped() {
        let html = HTMLReport.render(ReportFixture.report().document)
        let lower = html.lowercased()
        #expect(lower.hasPrefix("<!doctype html>"))
        #expect(!lower.contains("<script"))
        #expect(!lower.contains("src="))
        #expect(!lower.contains("href="))
        #expect(!lower.contains("url("))
        #expect(!lower.contains("@import"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        // Repairs by cause and origin, discrepancies by kind, payments per day.
        #expect(html.components(separatedBy: "<svg").count == 4)
        #expect(html.contains("카드사 차지백 &lt;b&gt;"))
        #expect(html.contains("<html lang=\"ko\">"))
        #expect(html.contains("유형·심각도별 불일치"))
    }

    @Test(arguments: [
        ("<a href='x'>&\"", "&lt;a href=&#39;x&#39;&gt;&amp;&quot;"), ("스타터", "스타터"), ("a\u{0}b", "a b"),
    ])
    func escapes(input: String, expected: String) {
        #expect(HTMLReport.escape(input) == expected)
    }
}
