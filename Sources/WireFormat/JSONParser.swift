/// Where and why a JSON document is not valid.
public struct JSONSyntaxError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Byte offset of the problem.
    public var offset: Int
    /// What is wrong there.
    public var reason: String

    /// The reason and the offset.
    public var description: String { "invalid JSON at byte \(offset): \(reason)" }
}

/// A strict recursive-descent JSON parser building ``JSONValue``s over ``JSONScanner`` (strings,
/// literals and whitespace are the scanner's; the strict number grammar and the nesting limit
/// are the parser's own).
struct JSONParser: ~Copyable {
    var scanner: JSONScanner
    let maximumDepth: Int
    var depth = 0

    init(bytes: UnsafeBufferPointer<UInt8>, maximumDepth: Int) {
        self.scanner = JSONScanner(bytes)
        self.maximumDepth = maximumDepth
    }

    /// Parses `bytes` as one JSON document.
    static func parse(_ bytes: [UInt8], maximumDepth: Int) throws(JSONSyntaxError) -> JSONValue {
        let result = bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(JSONSyntaxError) in
                var parser = JSONParser(bytes: buffer, maximumDepth: maximumDepth)
                return try parser.parseDocument()
            }
        }
        return try result.get()
    }

    mutating func parseDocument() throws(JSONSyntaxError) -> JSONValue {
        do throws(JSONScanner.Failure) {
            let value = try parseValue()
            scanner.skipWhitespace()
            guard scanner.isAtEnd else { throw scanner.fail("unexpected text after the document") }
            return value
        } catch {
            throw JSONSyntaxError(offset: error.offset, reason: error.reason)
        }
    }

    private var bytes: UnsafeBufferPointer<UInt8> { scanner.bytes }

    private mutating func parseValue() throws(JSONScanner.Failure) -> JSONValue {
        scanner.skipWhitespace()
        guard !scanner.isAtEnd else { throw scanner.fail("unexpected end of the document") }
        switch bytes[scanner.position] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try scanner.string(allowingNUL: true))
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return .bool(try scanner.bool())
        case UInt8(ascii: "n"):
            _ = try scanner.consumeNull()
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw scanner.fail("unexpected character")
        }
    }

    private mutating func enter() throws(JSONScanner.Failure) {
        depth += 1
        guard depth <= maximumDepth else { throw scanner.fail("nested more than \(maximumDepth) levels deep") }
    }

    private mutating func parseObject() throws(JSONScanner.Failure) -> JSONValue {
        try enter()
        scanner.position += 1
        var members: [String: JSONValue] = [:]
        if try scanner.peek() == UInt8(ascii: "}") {
            scanner.position += 1
            depth -= 1
            return .object(members)
        }
        while true {
            guard try scanner.peek() == UInt8(ascii: "\"") else { throw scanner.fail("expected a member name") }
            let key = try scanner.string(allowingNUL: true)
            try scanner.expect(UInt8(ascii: ":"))
            scanner.skipWhitespace()
            guard members[key] == nil else { throw scanner.fail("duplicate member \"\(key)\"") }
            members[key] = try parseValue()
            switch try scanner.peek() {
            case UInt8(ascii: ","): scanner.position += 1
            case UInt8(ascii: "}"):
                scanner.position += 1
                depth -= 1
                return .object(members)
            default: throw scanner.fail("expected ',' or '}'")
            }
        }
    }

    private mutating func parseArray() throws(JSONScanner.Failure) -> JSONValue {
        try enter()
        scanner.position += 1
        var elements: [JSONValue] = []
        if try scanner.peek() == UInt8(ascii: "]") {
            scanner.position += 1
            depth -= 1
            return .array(elements)
        }
        while true {
            elements.append(try parseValue())
            switch try scanner.peek() {
            case UInt8(ascii: ","): scanner.position += 1
            case UInt8(ascii: "]"):
                scanner.position += 1
                depth -= 1
                return .array(elements)
            default: throw scanner.fail("expected ',' or ']'")
            }
        }
    }

    /// RFC 8259's number grammar exactly (no leading zeros, no bare `.`, no `+`): whole numbers
    /// that fit in 64 bits become `.integer`, the rest `.number`.
    private mutating func parseNumber() throws(JSONScanner.Failure) -> JSONValue {
        let start = scanner.position
        var index = start
        defer { scanner.position = index }
        func fail() -> JSONScanner.Failure { JSONScanner.Failure(offset: index, reason: "invalid number") }
        func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
        var isWhole = true
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count, isDigit(bytes[index]) else { throw fail() }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            isWhole = false
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else { throw fail() }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            isWhole = false
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                index += 1
            }
            guard index < bytes.count, isDigit(bytes[index]) else { throw fail() }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        if isWhole, let integer = Int64(text) { return .integer(integer) }
        return .number(Double(text) ?? .infinity)
    }
}
