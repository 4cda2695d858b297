/// A strict JSON value for the simulator tests: keeps integers apart from floats and
/// booleans, so the schema check can verify `integer` (int64/int32) exactly.
indirect enum SimulatorJSON: Equatable, Sendable {
    case object([String: SimulatorJSON])
    case array([SimulatorJSON])
    case string(String)
    case integer(Int64)
    case number(Double)
    case bool(Bool)
    case null

    struct ParseError: Error, CustomStringConvertible {
        var description: String
    }

    subscript(key: String) -> SimulatorJSON? {
        if case .object(let o) = self { return o[key] }
        return nil
    }

    var string: String? { if case .string(let s) = self { s } else { nil } }
    var int: Int64? { if case .integer(let i) = self { i } else { nil } }
    var array: [SimulatorJSON]? { if case .array(let a) = self { a } else { nil } }
    var object: [String: SimulatorJSON]? { if case .object(let o) = self { o } else { nil } }

    static func parse(_ bytes: [UInt8]) throws -> SimulatorJSON {
        var parser = Parser(bytes: bytes)
        parser.skip()
        let value = try parser.value()
        parser.skip()
        guard parser.index == bytes.count else { throw ParseError(description: "trailing bytes at \(parser.index)") }
        return value
    }

    private struct Parser {
        let bytes: [UInt8]
        var index = 0

        mutating func skip() {
            while index < bytes.count, [32, 9, 10, 13].contains(bytes[index]) { index += 1 }
        }

        func fail(_ what: String) -> ParseError { ParseError(description: "\(what) at byte \(index)") }

        mutating func expect(_ literal: String) throws {
            for b in literal.utf8 {
                guard index < bytes.count, bytes[index] == b else { throw fail("expected \(literal)") }
                index += 1
            }
        }

        mutating func value() throws -> SimulatorJSON {
            guard index < bytes.count else { throw fail("unexpected end") }
            switch bytes[index] {
            case 123:
                index += 1
                var object: [String: SimulatorJSON] = [:]
                skip()
                if index < bytes.count, bytes[index] == 125 {
                    index += 1
                    return .object(object)
                }
                while true {
                    skip()
                    guard case .string(let key) = try value() else { throw fail("expected a key") }
                    skip()
                    try expect(":")
                    skip()
                    guard object[key] == nil else { throw fail("duplicate key \(key)") }
                    object[key] = try value()
                    skip()
                    guard index < bytes.count else { throw fail("unterminated object") }
                    if bytes[index] == 44 {
                        index += 1
                        continue
                    }
                    if bytes[index] == 125 {
                        index += 1
                        return .object(object)
                    }
                    throw fail("expected , or }")
                }
            case 91:
                index += 1
                var array: [SimulatorJSON] = []
                skip()
                if index < bytes.count, bytes[index] == 93 {
                    index += 1
                    return .array(array)
                }
                while true {
                    skip()
                    array.append(try value())
                    skip()
                    guard index < bytes.count else { throw fail("unterminated array") }
                    if bytes[index] == 44 {
                        index += 1
                        continue
                    }
                    if bytes[index] == 93 {
                        index += 1
                        return .array(array)
                    }
                    throw fail("expected , or ]")
                }
            case 34:
                index += 1
                var out: [UInt8] = []
                while true {
                    guard index < bytes.count else { throw fail("unterminated string") }
                    let b = bytes[index]
                    index += 1
                    if b == 34 { break }
                    if b < 32 { throw fail("control character in string") }
                    if b != 92 {
                        out.append(b)
                        continue
                    }
                    guard index < bytes.count else { throw fail("bad escape") }
                    let e = bytes[index]
                    index += 1
                    switch e {
                    case 34, 92, 47: out.append(e)
                    case 98: out.append(8)
                    case 102: out.append(12)
                    case 110: out.append(10)
                    case 114: out.append(13)
                    case 116: out.append(9)
                    case 117:
                        var scalar = try hex4()
                        if (0xD800..<0xDC00).contains(scalar) {
                            try expect("\\u")
                            let low = try hex4()
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        }
                        guard let u = Unicode.Scalar(scalar) else { throw fail("bad \\u escape") }
                        out.append(contentsOf: Array(String(Character(u)).utf8))
                    default: throw fail("bad escape")
                    }
                }
                guard let s = String(validating: out, as: UTF8.self) else { throw fail("invalid UTF-8") }
                return .string(s)
            case 116:
                try expect("true")
                return .bool(true)
            case 102:
                try expect("false")
                return .bool(false)
            case 110:
                try expect("null")
                return .null
            default:
                let start = index
                var isFloat = false
                while index < bytes.count, let c = Optional(bytes[index]),
                    (48...57).contains(c) || [45, 43, 46, 101, 69].contains(c)
                {
                    if [46, 101, 69].contains(c) { isFloat = true }
                    index += 1
                }
                let text = String(decoding: bytes[start..<index], as: UTF8.self)
                if !isFloat, let i = Int64(text) { return .integer(i) }
                guard let d = Double(text) else { throw fail("bad value") }
                return .number(d)
            }
        }

        mutating func hex4() throws -> UInt32 {
            guard index + 4 <= bytes.count,
                let v = UInt32(String(decoding: bytes[index..<(index + 4)], as: UTF8.self), radix: 16)
            else {
                throw fail("bad \\u escape")
            }
            index += 4
            return v
        }
    }
}
