/// A strict RFC 4180 reader for tests: CRLF record ends, fields quoted with `"` (quotes doubled
/// inside), no bare quote inside an unquoted field, no stray byte after a closing quote, and
/// every record as wide as the header.
enum RFC4180Parser {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func parse(_ text: String) throws -> [[String]] {
        let scalars = Array(text.unicodeScalars)
        var records: [[String]] = []
        var record: [String] = []
        var index = 0
        while index < scalars.count {
            var field = ""
            if scalars[index] == "\"" {
                index += 1
                while true {
                    guard index < scalars.count else { throw Failure(description: "unterminated quoted field") }
                    if scalars[index] == "\"" {
                        if index + 1 < scalars.count && scalars[index + 1] == "\"" {
                            field.unicodeScalars.append("\"")
                            index += 2
                            continue
                        }
                        index += 1
                        break
                    }
                    field.unicodeScalars.append(scalars[index])
                    index += 1
                }
            } else {
                while index < scalars.count && scalars[index] != "," && scalars[index] != "\r" {
                    if scalars[index] == "\"" || scalars[index] == "\n" {
                        throw Failure(description: "bare quote or line feed in an unquoted field after '\(field)'")
                    }
                    field.unicodeScalars.append(scalars[index])
                    index += 1
                }
            }
            record.append(field)
            guard index < scalars.count else { throw Failure(description: "the last record does not end with CRLF") }
            if scalars[index] == "," {
                index += 1
                continue
            }
            guard scalars[index] == "\r", index + 1 < scalars.count, scalars[index + 1] == "\n" else {
                throw Failure(
                    description: "a field is followed by \(scalars[index].escaped(asASCII: true)), not , or CRLF")
            }
            index += 2
            records.append(record)
            record = []
        }
        if let width = records.first?.count, let bad = records.firstIndex(where: { $0.count != width }) {
            throw Failure(description: "record \(bad) has \(records[bad].count) fields, the header \(width)")
        }
        return records
    }
}
