/// A strict reader of the Prometheus text exposition format (0.0.4) for tests: `# HELP` and
/// `# TYPE` at most once per family and before its samples, a family's lines together, valid
/// metric and label names, only `\\`, `\"` and `\n` escapes in label values, Go-style float
/// values, no duplicate series, and a newline at the end.
struct ExpositionParser {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// One sample.
    struct Sample: Hashable {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    var types: [String: String] = [:]
    var help: [String: String] = [:]
    var samples: [Sample] = []

    static func parse(_ text: String) throws -> ExpositionParser {
        var result = ExpositionParser()
        guard text.hasSuffix("\n") else { throw Failure(description: "the text does not end with a newline") }
        var finished = Set<String>()
        var current: String?
        var seen = Set<String>()
        func enter(_ family: String, line: Int) throws {
            if current != family {
                if finished.contains(family) { throw Failure(description: "line \(line): family \(family) is split") }
                if let current { finished.insert(current) }
                current = family
            }
        }
        for (number, line) in text.dropLast().split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNumber = number + 1
            if line.isEmpty { throw Failure(description: "line \(lineNumber) is empty") }
            if line.hasPrefix("#") {
                let parts = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false)
                guard parts.count >= 3, parts[0] == "#", parts[1] == "HELP" || parts[1] == "TYPE" else { continue }
                let name = String(parts[2])
                guard isMetricName(name) else { throw Failure(description: "line \(lineNumber): bad name \(name)") }
                try enter(name, line: lineNumber)
                let rest = parts.count == 4 ? String(parts[3]) : ""
                if parts[1] == "HELP" {
                    guard result.help[name] == nil else { throw Failure(description: "second HELP for \(name)") }
                    result.help[name] = rest
                } else {
                    guard result.types[name] == nil else { throw Failure(description: "second TYPE for \(name)") }
                    guard ["counter", "gauge", "histogram", "summary", "untyped"].contains(rest) else {
                        throw Failure(description: "line \(lineNumber): unknown type \(rest)")
                    }
                    guard !result.samples.contains(where: { $0.name == name }) else {
                        throw Failure(description: "TYPE for \(name) after its samples")
                    }
                    result.types[name] = rest
                }
                continue
            }
            var scalars = Substring(line).unicodeScalars[...]
            var name = ""
            while let first = scalars.first, first != "{" && first != " " {
                name.unicodeScalars.append(first)
                scalars = scalars.dropFirst()
            }
            guard isMetricName(name) else {
                throw Failure(description: "line \(lineNumber): bad metric name '\(name)'")
            }
            try enter(name, line: lineNumber)
            var labels: [String: String] = [:]
            if scalars.first == "{" {
                scalars = scalars.dropFirst()
                while scalars.first != "}" {
                    var label = ""
                    while let first = scalars.first, first != "=" {
                        label.unicodeScalars.append(first)
                        scalars = scalars.dropFirst()
                    }
                    guard isLabelName(label), labels[label] == nil else {
                        throw Failure(description: "line \(lineNumber): bad or repeated label '\(label)'")
                    }
                    scalars = scalars.dropFirst()
                    guard scalars.first == "\"" else {
                        throw Failure(description: "line \(lineNumber): unquoted value")
                    }
                    scalars = scalars.dropFirst()
                    var value = ""
                    while true {
                        guard let first = scalars.first else {
                            throw Failure(description: "line \(lineNumber): unterminated label value")
                        }
                        scalars = scalars.dropFirst()
                        if first == "\"" { break }
                        if first == "\\" {
                            guard let escaped = scalars.first else { throw Failure(description: "dangling escape") }
                            scalars = scalars.dropFirst()
                            switch escaped {
                            case "\\": value += "\\"
                            case "\"": value += "\""
                            case "n": value += "\n"
                            default: throw Failure(description: "line \(lineNumber): bad escape \\\(escaped)")
                            }
                        } else {
                            value.unicodeScalars.append(first)
                        }
                    }
                    labels[label] = value
                    if scalars.first == "," {
                        scalars = scalars.dropFirst()
                    } else if scalars.first != "}" {
                        throw Failure(description: "line \(lineNumber): expected , or }")
                    }
                }
                scalars = scalars.dropFirst()
            }
            guard scalars.first == " " else { throw Failure(description: "line \(lineNumber): no space before value") }
            let fields = String(String.UnicodeScalarView(scalars.dropFirst())).split(
                separator: " ", omittingEmptySubsequences: false)
            guard fields.count == 1 || (fields.count == 2 && Int64(fields[1]) != nil) else {
                throw Failure(description: "line \(lineNumber): bad value or timestamp")
            }
            let text = String(fields[0])
            let value: Double
            switch text {
            case "NaN": value = .nan
            case "+Inf": value = .infinity
            case "-Inf": value = -.infinity
            default:
                guard let number = Double(text), text.allSatisfy({ "0123456789.eE+-".contains($0) }) else {
                    throw Failure(description: "line \(lineNumber): bad value \(text)")
                }
                value = number
            }
            let key = name + labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
            guard seen.insert(key).inserted else { throw Failure(description: "line \(lineNumber): duplicate series") }
            result.samples.append(Sample(name: name, labels: labels, value: value))
        }
        return result
    }

    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        samples.first { $0.name == name && $0.labels == labels }?.value
    }

    static func isMetricName(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, first.isASCIILetterOrUnderscore || first == ":" else {
            return false
        }
        return text.unicodeScalars.allSatisfy { $0.isASCIILetterOrUnderscore || $0 == ":" || ("0"..."9").contains($0) }
    }

    static func isLabelName(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, first.isASCIILetterOrUnderscore else { return false }
        return text.unicodeScalars.allSatisfy { $0.isASCIILetterOrUnderscore || ("0"..."9").contains($0) }
    }
}

extension Unicode.Scalar {
    fileprivate var isASCIILetterOrUnderscore: Bool {
        ("a"..."z").contains(self) || ("A"..."Z").contains(self) || self == "_"
    }
}
