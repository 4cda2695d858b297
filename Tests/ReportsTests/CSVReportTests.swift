import ReconcilerCore
import Testing

@testable import Reports

/// Formula injection: a text cell from external data that a spreadsheet would run is escaped.
@Suite struct CSVReportTests {
    @Test(arguments: [
        ("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"), ("+1", "'+1"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"), ("\rx", "'\rx"), ("plain", "plain"), ("a=b", "a=b"), ("", ""), ("스타터", "스타터"),
    ])
    func neutralisesFormulas(input: String, expected: String) {
        #expect(CSVReport.neutralised(input) == expected)
    }
}
