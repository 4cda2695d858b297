/// A minimal pull parser over UTF-8 JSON bytes, for decoders that build models directly
/// (no intermediate tree, no dictionaries): the one byte-level JSON scanner under PortOne's
/// payment decoder, the simulator's payment decoder and ``JSONValue``'s parser.
///
/// Strict where it matters for money (integers must be integers) and complete for what JSON
/// allows (escapes, surrogate pairs, skipping any unknown value). The methods are `@inlinable`
/// so the decoders' inner loops compile as if the scanner were in their own module.
public struct JSONScanner: ~Copyable {
    /// Why the bytes are not what was expected, and where.
    public struct Failure: Error, CustomStringConvertible {
        /// Byte offset of the problem.
        public let offset: Int
        /// What is wrong.
        public let reason: String
        /// The member names and `[index]`es leading to the problem, outermost first.
        public var path: [String] = []
        /// Set when a required member is absent.
        public var missing: String?

        /// Creates a failure.
        public init(offset: Int, reason: String, missing: String? = nil) {
            self.offset = offset
            self.reason = reason
            self.missing = missing
        }

        /// `missing field 'amount.total'`, `field 'paidAt': …`, or the reason with its offset.
        public var description: String {
            func join(_ parts: [String]) -> String {
                parts.joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
            }
            if let missing { return "missing field '\(join(path + [missing]))'" }
            if path.isEmpty { return "\(reason) at byte \(offset)" }
            return "field '\(join(path))': \(reason)"
        }
    }

    /// The bytes being scanned.
    public let bytes: UnsafeBufferPointer<UInt8>
    /// The offset of the next byte to read.
    public var position = 0

    /// Scans `bytes`, which must outlive the scanner.
    @inlinable
    public init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// A failure at the current position.
    @inlinable
    public func fail(_ reason: String) -> Failure { Failure(offset: position, reason: reason) }

    /// True when every byte was consumed.
    @inlinable
    public var isAtEnd: Bool { position >= bytes.count }

    /// Skips JSON whitespace.
    @inlinable
    public mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    /// The next non-blank byte, without consuming it.
    @inlinable
    public mutating func peek() throws(Failure) -> UInt8 {
        skipWhitespace()
        guard position < bytes.count else { throw fail("unexpected end of JSON") }
        return bytes[position]
    }

    /// Consumes `byte` (after whitespace) or fails.
    @inlinable
    public mutating func expect(_ byte: UInt8) throws(Failure) {
        guard try peek() == byte else { throw fail("expected '\(Character(Unicode.Scalar(byte)))'") }
        position += 1
    }

    /// Consumes `null` if it is next.
    @inlinable
    public mutating func consumeNull() throws(Failure) -> Bool {
        guard try peek() == UInt8(ascii: "n") else { return false }
        try literal("null")
        return true
    }

    @inlinable
    mutating func literal(_ text: StaticString) throws(Failure) {
        let count = text.utf8CodeUnitCount
        guard position + count <= bytes.count else { throw fail("unexpected end of JSON") }
        for index in 0..<count where bytes[position + index] != text.utf8Start[index] {
            throw fail("invalid literal")
        }
        position += count
    }

    /// Iterates an object's members: `body` gets each key's raw bytes (no escapes decoded; keys
    /// with escapes are decoded) and must consume the value.
    @inlinable
    public mutating func object(_ body: (inout JSONScanner, UnsafeBufferPointer<UInt8>) throws(Failure) -> Void)
        throws(Failure)
    {
        try expect(UInt8(ascii: "{"))
        if try peek() == UInt8(ascii: "}") {
            position += 1
            return
        }
        while true {
            guard try peek() == UInt8(ascii: "\"") else { throw fail("expected a member name") }
            let key = try rawKey()
            try expect(UInt8(ascii: ":"))
            try body(&self, key)
            switch try peek() {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "}"):
                position += 1
                return
            default: throw fail("expected ',' or '}' in object")
            }
        }
    }

    /// Iterates an array's elements: `body` must consume each element.
    @inlinable
    public mutating func array(_ body: (inout JSONScanner) throws(Failure) -> Void) throws(Failure) {
        try expect(UInt8(ascii: "["))
        if try peek() == UInt8(ascii: "]") {
            position += 1
            return
        }
        while true {
            try body(&self)
            switch try peek() {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "]"):
                position += 1
                return
            default: throw fail("expected ',' or ']' in array")
            }
        }
    }

    @inlinable
    mutating func rawKey() throws(Failure) -> UnsafeBufferPointer<UInt8> {
        position += 1
        let start = position
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                let key = UnsafeBufferPointer(rebasing: bytes[start..<position])
                position += 1
                return key
            }
            if byte == UInt8(ascii: "\\") || byte < 0x20 { break }
            position += 1
        }
        // Rare: an escaped key. Compare against names by its raw bytes anyway (no PortOne
        // field name needs escaping, so an escaped key is simply unknown): skip the string.
        position = start - 1
        _ = try string()
        return UnsafeBufferPointer(rebasing: bytes[start..<start])
    }

    /// The reasons of a string that is valid JSON but not valid text (invalid UTF-8, a lone
    /// surrogate escape, NUL): the item holding it is unreadable, its page still is.
    public static let textFailures: Set<String> = [invalidUTF8, loneSurrogate, nulCharacter]
    /// See ``textFailures``.
    public static let invalidUTF8 = "invalid UTF-8 in string"
    /// See ``textFailures``.
    public static let loneSurrogate = "unpaired surrogate escape in string"
    /// See ``textFailures``.
    public static let nulCharacter = "NUL character (\\u0000) in string"

    /// Reads a string value; an escaped NUL (`\u0000`) is refused unless `allowingNUL` (PostgreSQL
    /// text cannot hold one, but a plain JSON document may).
    @inlinable
    public mutating func string(allowingNUL: Bool = false) throws(Failure) -> String {
        guard try peek() == UInt8(ascii: "\"") else { throw fail("expected a string") }
        position += 1
        let start = position
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                // Invalid UTF-8 is refused, not repaired: two different broken payment ids must
                // not both become the same string of U+FFFD.
                guard
                    let text = String(validating: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
                else { throw fail(Self.invalidUTF8) }
                position += 1
                return text
            }
            if byte == UInt8(ascii: "\\") { return try escapedString(from: start, allowingNUL: allowingNUL) }
            if byte < 0x20 { throw fail("control character in string") }
            position += 1
        }
        throw fail("unterminated string")
    }

    /// The slow path of ``string()``: a string with escapes, decoded into a new buffer.
    @usableFromInline
    mutating func escapedString(from start: Int, allowingNUL: Bool) throws(Failure) -> String {
        var out = Array(UnsafeBufferPointer(rebasing: bytes[start..<position]))
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            switch byte {
            case UInt8(ascii: "\""):
                guard let text = String(validating: out, as: UTF8.self) else { throw fail(Self.invalidUTF8) }
                return text
            case UInt8(ascii: "\\"):
                guard position < bytes.count else { break }
                let escape = bytes[position]
                position += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escape)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800..<0xDC00).contains(scalar), position + 1 < bytes.count,
                        bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u")
                    {
                        position += 2
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw fail(Self.loneSurrogate) }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    // A lone surrogate is refused like invalid UTF-8 (it would become U+FFFD).
                    guard let value = Unicode.Scalar(scalar) else { throw fail(Self.loneSurrogate) }
                    // PostgreSQL text and jsonb cannot hold NUL: a payment carrying one could
                    // never be recorded, and failed every run that met it.
                    guard scalar != 0 || allowingNUL else { throw fail(Self.nulCharacter) }
                    out.append(contentsOf: String(Character(value)).utf8)
                default:
                    throw fail("invalid escape in string")
                }
            default:
                if byte < 0x20 { throw fail("control character in string") }
                out.append(byte)
            }
        }
        throw fail("unterminated string")
    }

    @inlinable
    mutating func hex4() throws(Failure) -> UInt32 {
        guard position + 4 <= bytes.count else { throw fail("short \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw fail("invalid \\u escape")
            }
            value = value << 4 | UInt32(digit)
            position += 1
        }
        return value
    }

    /// Reads an integer; fractions, exponents and overflow are errors (amounts are integers).
    @inlinable
    public mutating func int64() throws(Failure) -> Int64 {
        _ = try peek()
        var negative = false
        if bytes[position] == UInt8(ascii: "-") {
            negative = true
            position += 1
        }
        let start = position
        var value: Int64 = 0
        while position < bytes.count, bytes[position] >= 0x30, bytes[position] <= 0x39 {
            let (times, o1) = value.multipliedReportingOverflow(by: 10)
            let (plus, o2) = times.subtractingReportingOverflow(Int64(bytes[position] - 0x30))
            guard !o1, !o2 else { throw fail("integer out of range") }
            value = plus
            position += 1
        }
        guard position > start else { throw fail("expected an integer") }
        if position < bytes.count,
            bytes[position] == UInt8(ascii: ".") || bytes[position] == UInt8(ascii: "e")
                || bytes[position] == UInt8(ascii: "E")
        {
            throw fail("expected an integer, found a fraction or exponent")
        }
        if negative { return value }
        guard value != Int64.min else { throw fail("integer out of range") }
        return -value
    }

    /// Reads `true` or `false`.
    @inlinable
    public mutating func bool() throws(Failure) -> Bool {
        switch try peek() {
        case UInt8(ascii: "t"):
            try literal("true")
            return true
        case UInt8(ascii: "f"):
            try literal("false")
            return false
        default:
            throw fail("expected true or false")
        }
    }

    /// Skips any value (for unknown members), validating its syntax.
    @inlinable
    public mutating func skipValue(depth: Int = 0) throws(Failure) {
        guard depth < 64 else { throw fail("JSON nested too deeply") }
        switch try peek() {
        case UInt8(ascii: "{"):
            try object { (scanner: inout JSONScanner, _: UnsafeBufferPointer<UInt8>) throws(Failure) in
                try scanner.skipValue(depth: depth + 1)
            }
        case UInt8(ascii: "["):
            try array { (scanner: inout JSONScanner) throws(Failure) in try scanner.skipValue(depth: depth + 1) }
        case UInt8(ascii: "\""):
            try skipString()
        case UInt8(ascii: "t"), UInt8(ascii: "f"):
            _ = try bool()
        case UInt8(ascii: "n"):
            try literal("null")
        default:
            try skipNumber()
        }
    }

    @inlinable
    mutating func skipString() throws(Failure) {
        position += 1
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            if byte == UInt8(ascii: "\"") { return }
            if byte == UInt8(ascii: "\\") { position += 1 }
        }
        throw fail("unterminated string")
    }

    @inlinable
    mutating func skipNumber() throws(Failure) {
        let start = position
        while position < bytes.count {
            switch bytes[position] {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."),
                UInt8(ascii: "e"), UInt8(ascii: "E"):
                position += 1
            default:
                guard position > start else { throw fail("unexpected character") }
                return
            }
        }
        guard position > start else { throw fail("unexpected end of JSON") }
    }

    /// A string, or a number's text; nil (value skipped) for anything else.
    @inlinable
    public mutating func scalarText() throws(Failure) -> String? {
        switch try peek() {
        case UInt8(ascii: "\""):
            return try string()
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let start = position
            try skipNumber()
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        default:
            try skipValue()
            return nil
        }
    }

    /// Moves to an absolute offset (to re-read a failed item).
    @inlinable
    public mutating func seek(to offset: Int) {
        position = offset
    }
}

extension UnsafeBufferPointer<UInt8> {
    /// True when these bytes spell `name` (ASCII member names).
    @inlinable @inline(__always)
    public func equals(_ name: StaticString) -> Bool {
        guard count == name.utf8CodeUnitCount else { return false }
        let other = name.utf8Start
        for index in 0..<count where self[index] != other[index] { return false }
        return true
    }
}
