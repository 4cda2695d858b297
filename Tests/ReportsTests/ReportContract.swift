import ReconcilerCore
import WireFormat

/// The fields ARCHITECTURE §6.2 promises in the JSON report, with their JSON types, so a test can
/// check any document (a fixture or a real run's) against the contract other programs read.
enum ReportContract {
    /// A JSON type, or one of two.
    enum Shape {
        case string, integer, object, array, stringOrNull, integerOrNull, any
    }

    static let run: [(String, Shape)] = [
        ("id", .integer), ("trigger", .string), ("mode", .string), ("startedAt", .string), ("finishedAt", .string),
        ("status", .string),
    ]
    static let window: [(String, Shape)] = [("from", .stringOrNull), ("until", .stringOrNull)]
    static let totals: [(String, Shape)] = [
        "paymentsScanned", "ledgerRowsScanned", "matched", "fixesApplied", "fixesPlanned", "creditsGranted",
        "creditsDeducted", "discrepanciesOpen", "discrepanciesNew", "discrepanciesClosed",
    ].map { ($0, .integer) }
    static let fix: [(String, Shape)] = [
        ("kind", .string), ("paymentId", .string), ("userId", .string), ("credits", .integer),
        ("creditTransactionId", .string), ("balanceBefore", .integer), ("balanceAfter", .integer),
    ]
    static let discrepancy: [(String, Shape)] = [
        ("id", .integer), ("kind", .string), ("severity", .string), ("status", .string), ("paymentId", .stringOrNull),
        ("userId", .stringOrNull), ("expected", .any), ("actual", .any), ("firstSeenRunId", .integer),
        ("occurrences", .integer), ("detail", .string),
    ]

    /// Every way `document` breaks the contract (empty when it keeps it).
    static func violations(_ document: JSONValue) -> [String] {
        var problems: [String] = []
        func check(_ value: JSONValue, _ fields: [(String, Shape)], at path: String) {
            guard case .object(let members) = value else {
                problems.append("\(path) is not an object")
                return
            }
            for (name, shape) in fields {
                guard let field = members[name] else {
                    problems.append("\(path).\(name) is missing")
                    continue
                }
                let fits: Bool =
                    switch (shape, field) {
                    case (.any, _): true
                    case (.string, .string), (.stringOrNull, .string), (.stringOrNull, .null): true
                    case (.integer, .integer), (.integerOrNull, .integer), (.integerOrNull, .null): true
                    case (.object, .object), (.array, .array): true
                    default: false
                    }
                if !fits { problems.append("\(path).\(name) is \(field.typeName), not \(shape)") }
                if case .string(let text) = field, name.hasSuffix("At") || path.hasSuffix("window"),
                    RFC3339.timestamp(text) == nil
                {
                    problems.append("\(path).\(name) is not an RFC 3339 time: \(text)")
                }
            }
        }
        check(document, [("run", .object), ("totals", .object), ("fixes", .array), ("discrepancies", .array)], at: "$")
        check(document["run"], run + [("window", .object)], at: "$.run")
        check(document["run"]["window"], window, at: "$.run.window")
        check(document["totals"], totals, at: "$.totals")
        for (index, fix) in document["fixes"].arrayValue.enumerated() { check(fix, Self.fix, at: "$.fixes[\(index)]") }
        for (index, entry) in document["discrepancies"].arrayValue.enumerated() {
            check(entry, discrepancy, at: "$.discrepancies[\(index)]")
        }
        return problems
    }
}
