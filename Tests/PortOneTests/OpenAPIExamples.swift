import Foundation

/// Builds example JSON objects from the committed PortOne OpenAPI document, so decoding tests
/// cover every field the schema defines (required only, or required and optional).
struct OpenAPIExamples: @unchecked Sendable {  // read-only after loading
    let schemas: [String: Any]

    static let shared: OpenAPIExamples = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/portone/v2.openapi.json")
        let data = try! Data(contentsOf: url)
        let document = try! JSONSerialization.jsonObject(with: data) as! [String: Any]
        let components = document["components"] as! [String: Any]
        return OpenAPIExamples(schemas: components["schemas"] as! [String: Any])
    }()

    /// The three timestamp precisions PortOne mixes, plus an offset form, rotated per field.
    static let timestamps = [
        "2026-09-07T07:12:38.366979621Z", "2026-09-07T07:13:26Z", "2026-09-07T16:13:26.5+09:00",
        "2026-09-07T07:13:26.123Z",
    ]

    /// The schema's discriminator mapping (value → schema name), for a oneOf schema.
    func discriminatorMapping(_ name: String) -> [String: String] {
        let schema = schemas[name] as! [String: Any]
        let discriminator = schema["discriminator"] as! [String: Any]
        let mapping = discriminator["mapping"] as! [String: String]
        return mapping.mapValues { String($0.split(separator: "/").last!) }
    }

    /// The required property names of an object schema.
    func required(_ name: String) -> [String] {
        (schemas[name] as! [String: Any])["required"] as? [String] ?? []
    }

    /// An example object for a named object schema.
    func example(schema name: String, optional: Bool) -> [String: Any] {
        var counter = 0
        return object(name: name, optional: optional, depth: 0, counter: &counter)
    }

    private func object(name: String, optional: Bool, depth: Int, counter: inout Int) -> [String: Any] {
        let schema = schemas[name] as! [String: Any]
        return object(schema: schema, optional: optional, depth: depth, counter: &counter)
    }

    private func object(schema: [String: Any], optional: Bool, depth: Int, counter: inout Int) -> [String: Any] {
        let properties = schema["properties"] as? [String: Any] ?? [:]
        let required = Set(schema["required"] as? [String] ?? [])
        var result: [String: Any] = [:]
        for (key, property) in properties.sorted(by: { $0.key < $1.key }) {
            guard required.contains(key) || (optional && depth < 3) else { continue }
            if let value = value(
                property as! [String: Any], key: key, optional: optional, depth: depth + 1, counter: &counter)
            {
                result[key] = value
            }
        }
        return result
    }

    private func value(_ schema: [String: Any], key: String, optional: Bool, depth: Int, counter: inout Int) -> Any? {
        counter += 1
        if let ref = schema["$ref"] as? String {
            let name = String(ref.split(separator: "/").last!)
            let target = schemas[name] as! [String: Any]
            if let values = target["enum"] as? [String] { return values.first }
            if target["oneOf"] != nil {
                let mapping = discriminatorMapping(name)
                let discriminator = (target["discriminator"] as! [String: Any])["propertyName"] as! String
                let (tag, variant) = mapping.sorted(by: { $0.key < $1.key }).first!
                var object = self.object(name: variant, optional: optional, depth: depth, counter: &counter)
                object[discriminator] = tag
                return object
            }
            return value(target, key: key, optional: optional, depth: depth, counter: &counter)
        }
        if let values = schema["enum"] as? [String] { return values.first }
        switch schema["type"] as? String {
        case "string":
            if schema["format"] as? String == "date-time" { return Self.timestamps[counter % Self.timestamps.count] }
            return "\(key)-값-\(counter)"
        case "integer":
            return 1000 + counter
        case "number":
            return 1.5
        case "boolean":
            return counter % 2 == 0
        case "array":
            guard let items = schema["items"] as? [String: Any] else { return [] }
            if depth > 4 { return [] }
            return [value(items, key: key, optional: optional, depth: depth + 1, counter: &counter)].compactMap { $0 }
        case "object", nil:
            if depth > 5 { return [:] }
            return object(schema: schema, optional: optional, depth: depth, counter: &counter)
        default:
            return nil
        }
    }
}
