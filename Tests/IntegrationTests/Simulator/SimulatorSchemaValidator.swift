import Foundation
import WireFormat

/// Validates JSON against the schemas of the committed OpenAPI document, reading everything
/// (required fields, types, formats, enums, discriminator mappings) from the document itself.
///
/// Follows `$ref`, `allOf`, and `oneOf` (by the discriminator mapping when there is one, else
/// "exactly one matches"). Objects are checked strictly: a property the schema does not
/// declare is reported, so the simulator cannot invent fields.
final class SimulatorSchemaValidator {
    let schemas: [String: JSONValue]
    /// Schema names validated at least once (to prove coverage of every variant).
    private(set) var visited: Set<String> = []
    /// Fraction digit counts seen in date-time values.
    private(set) var fractionDigitsSeen: Set<Int> = []

    /// Loads `Tests/Fixtures/portone/v2.openapi.json` next to this test folder.
    static func load(filePath: String = #filePath) throws -> SimulatorSchemaValidator {
        let root = URL(fileURLWithPath: filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let url = root.appendingPathComponent("Fixtures/portone/v2.openapi.json")
        let document = try JSONValue.parse(Array(try Data(contentsOf: url)))
        guard let schemas = document[member: "components"]?[member: "schemas"]?.object else {
            throw SimulatorTestFailure(description: "no components.schemas in \(url.path)")
        }
        return SimulatorSchemaValidator(schemas: schemas)
    }

    init(schemas: [String: JSONValue]) { self.schemas = schemas }

    /// Errors of `value` against `#/components/schemas/<name>` (empty: valid).
    func validate(_ value: JSONValue, schemaNamed name: String, at path: String = "$") -> [String] {
        var errors: [String] = []
        validate(value, ref: "#/components/schemas/\(name)", at: path, into: &errors)
        return errors
    }

    /// The enum values of a schema, as the document lists them.
    func enumValues(_ name: String) -> [String] {
        schemas[name]?[member: "enum"]?.array?.compactMap(\.string) ?? []
    }

    /// The discriminator mapping keys of a oneOf schema.
    func discriminatorValues(_ name: String) -> [String] {
        schemas[name]?[member: "discriminator"]?[member: "mapping"]?.object.map { Array($0.keys).sorted() } ?? []
    }

    private func validate(_ value: JSONValue, ref: String, at path: String, into errors: inout [String]) {
        let prefix = "#/components/schemas/"
        guard ref.hasPrefix(prefix), let schema = schemas[String(ref.dropFirst(prefix.count))] else {
            errors.append("\(path): unresolvable $ref \(ref)")
            return
        }
        visited.insert(String(ref.dropFirst(prefix.count)))
        validate(value, schema: schema, at: path, into: &errors)
    }

    private func validate(_ value: JSONValue, schema: JSONValue, at path: String, into errors: inout [String]) {
        if let ref = schema[member: "$ref"]?.string {
            validate(value, ref: ref, at: path, into: &errors)
            return
        }
        if let all = schema[member: "allOf"]?.array {
            for sub in all { validate(value, schema: sub, at: path, into: &errors) }
        }
        if let options = schema[member: "oneOf"]?.array {
            if let discriminator = schema[member: "discriminator"],
                let property = discriminator[member: "propertyName"]?.string
            {
                guard let tag = value[member: property]?.string else {
                    errors.append("\(path): missing discriminator \"\(property)\"")
                    return
                }
                guard let ref = discriminator[member: "mapping"]?[member: tag]?.string else {
                    errors.append("\(path).\(property): \"\(tag)\" is not a value of the discriminator mapping")
                    return
                }
                validate(value, ref: ref, at: path, into: &errors)
            } else {
                var matches = 0
                for option in options {
                    var sub: [String] = []
                    validate(value, schema: option, at: path, into: &sub)
                    if sub.isEmpty { matches += 1 }
                }
                if matches != 1 {
                    errors.append("\(path): matches \(matches) of the oneOf options, expected exactly 1")
                }
            }
            return
        }
        if let values = schema[member: "enum"]?.array {
            guard let text = value.string, values.contains(.string(text)) else {
                errors.append("\(path): \(value) is not one of the enum values")
                return
            }
        }
        let type = schema[member: "type"]?.string ?? (schema[member: "properties"] != nil ? "object" : nil)
        switch type {
        case "object":
            guard let object = value.object else {
                errors.append("\(path): expected an object")
                return
            }
            let properties = schema[member: "properties"]?.object ?? [:]
            for required in schema[member: "required"]?.array?.compactMap(\.string) ?? [] where object[required] == nil
            {
                errors.append("\(path): missing required field \"\(required)\"")
            }
            for (key, child) in object {
                guard let propertySchema = properties[key] else {
                    if schema[member: "properties"] != nil { errors.append("\(path): unexpected field \"\(key)\"") }
                    continue
                }
                validate(child, schema: propertySchema, at: "\(path).\(key)", into: &errors)
            }
        case "array":
            guard let items = value.array else {
                errors.append("\(path): expected an array")
                return
            }
            if let itemSchema = schema[member: "items"] {
                for (i, item) in items.enumerated() {
                    validate(item, schema: itemSchema, at: "\(path)[\(i)]", into: &errors)
                }
            }
        case "string":
            guard let text = value.string else {
                errors.append("\(path): expected a string, got \(value)")
                return
            }
            if schema[member: "format"]?.string == "date-time" {
                if let digits = Self.rfc3339FractionDigits(text) {
                    fractionDigitsSeen.insert(digits)
                } else {
                    errors.append("\(path): \"\(text)\" is not an RFC 3339 date-time")
                }
            }
        case "integer":
            guard let number = value.int else {
                errors.append("\(path): expected an integer, got \(value)")
                return
            }
            if schema[member: "format"]?.string == "int32", number < Int64(Int32.min) || number > Int64(Int32.max) {
                errors.append("\(path): \(number) does not fit int32")
            }
        case "number":
            switch value {
            case .integer, .number: break
            default: errors.append("\(path): expected a number")
            }
        case "boolean":
            guard case .bool = value else {
                errors.append("\(path): expected a boolean, got \(value)")
                return
            }
        default:
            break
        }
    }

    /// The number of fractional digits of an RFC 3339 UTC or offset date-time, else nil.
    static func rfc3339FractionDigits(_ text: String) -> Int? {
        let pattern = #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$"#
        guard let regex = try? NSRegularExpression(pattern: pattern),
            let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text))
        else { return nil }
        let range = match.range(at: 2)
        return range.location == NSNotFound ? 0 : range.length
    }
}
