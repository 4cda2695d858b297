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

/// Grouped numbers for people.
@Suite struct ReportNumberTests {
    @Test(arguments: [
        (Int64(0), "0"), (999, "999"), (1000, "1,000"), (146_437_600, "146,437,600"), (-5364, "-5,364"),
        (Int64.min, "-9,223,372,036,854,775,808"),
    ])
    func groupsThousands(value: Int64, text: String) {
        #expect(ReportNumber.grouped(value) == text)
    }
}
