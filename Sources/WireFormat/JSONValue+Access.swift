/// Reading a parsed document without a `switch` at every step: a missing member or a value of
/// another type reads as `.null`, `nil` or empty.
extension JSONValue {
    /// The member `key` of an object, `.null` otherwise.
    public subscript(key: String) -> JSONValue {
        if case .object(let fields) = self { return fields[key] ?? .null }
        return .null
    }

    /// The string, if this is one.
    public var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// The whole number, if this is one.
    public var integerValue: Int64? {
        if case .integer(let number) = self { return number }
        return nil
    }

    /// The elements, or empty when this is not an array.
    public var arrayValue: [JSONValue] {
        if case .array(let items) = self { return items }
        return []
    }

    /// The members, or nil when this is not an object.
    public var objectValue: [String: JSONValue]? {
        if case .object(let members) = self { return members }
        return nil
    }

    /// The boolean, if this is one.
    public var boolValue: Bool? {
        if case .bool(let flag) = self { return flag }
        return nil
    }
}
