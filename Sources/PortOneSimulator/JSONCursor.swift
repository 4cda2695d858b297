/// A strict, allocation-light JSON reader over bytes, used by `FastPaymentDecoder`.
///
/// Every method returns nil/false on anything it does not accept; callers then fall back to
/// Foundation's `JSONDecoder`, which also produces the precise error message.
struct JSONCursor {
    /// The input.
    let bytes: UnsafeBufferPointer<UInt8>
    /// The read position.
    var index = 0

    /// Creates a cursor at the start of `bytes`.
    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    /// Skips JSON whitespace.
    mutating func skipWhitespace() {
        while index < bytes.count {
            let b = bytes[index]
            guard b == 32 || b == 9 || b == 10 || b == 13 else { return }
            index += 1
        }
    }

    /// Whether only whitespace remains.
    mutating func atEnd() -> Bool {
        skipWhitespace()
        return index == bytes.count
    }

    /// Consumes `null` if it is next.
    mutating func null() -> Bool {
        skipWhitespace()
        guard index + 4 <= bytes.count, bytes[index] == 110, bytes[index + 1] == 117, bytes[index + 2] == 108,
            bytes[index + 3] == 108
        else { return false }
        index += 4
        return true
    }

    /// Reads a string.
    mutating func string() -> String? {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == 34 else { return nil }
        index += 1
        let start = index
        // Fast path: no escapes.
        while index < bytes.count {
            let b = bytes[index]
            if b == 34 {
                let text = String(validating: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                index += 1
                return text
            }
            if b == 92 { break }
            if b < 32 { return nil }
            index += 1
        }
        var out = Array(bytes[start..<index])
        while index < bytes.count {
            let b = bytes[index]
            index += 1
            switch b {
            case 34: return String(validating: out, as: UTF8.self)
            case 92:
                guard index < bytes.count else { return nil }
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
                    guard var scalar = hex4() else { return nil }
                    if (0xD800..<0xDC00).contains(scalar) {
                        guard index + 1 < bytes.count, bytes[index] == 92, bytes[index + 1] == 117 else { return nil }
                        index += 2
                        guard let low = hex4(), (0xDC00..<0xE000).contains(low) else { return nil }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let u = Unicode.Scalar(scalar) else { return nil }
                    out.append(contentsOf: Array(String(Character(u)).utf8))
                default: return nil
                }
            default:
                if b < 32 { return nil }
                out.append(b)
            }
        }
        return nil
    }

    private mutating func hex4() -> UInt32? {
        guard index + 4 <= bytes.count else { return nil }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let b = bytes[index]
            let digit: UInt32
            switch b {
            case 48...57: digit = UInt32(b - 48)
            case 65...70: digit = UInt32(b - 55)
            case 97...102: digit = UInt32(b - 87)
            default: return nil
            }
            value = value << 4 | digit
            index += 1
        }
        return value
    }

    /// Reads an integer written without fraction or exponent.
    mutating func int() -> Int64? {
        skipWhitespace()
        var negative = false
        if index < bytes.count, bytes[index] == 45 {
            negative = true
            index += 1
        }
        let start = index
        var value: Int64 = 0
        while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(Int64(bytes[index] - 48))
            if o1 || o2 { return nil }
            value = a
            index += 1
        }
        guard index > start else { return nil }
        if index - start > 1 && bytes[start] == 48 { return nil }
        if index < bytes.count, bytes[index] == 46 || bytes[index] == 101 || bytes[index] == 69 { return nil }
        return negative ? -value : value
    }

    /// Reads `true` or `false`.
    mutating func bool() -> Bool? {
        skipWhitespace()
        if index + 4 <= bytes.count, bytes[index] == 116, bytes[index + 1] == 114, bytes[index + 2] == 117,
            bytes[index + 3] == 101
        {
            index += 4
            return true
        }
        if index + 5 <= bytes.count, bytes[index] == 102, bytes[index + 1] == 97, bytes[index + 2] == 108,
            bytes[index + 3] == 115, bytes[index + 4] == 101
        {
            index += 5
            return false
        }
        return nil
    }

    /// Reads an object, calling `field` with each key; `field` consumes the value.
    mutating func object(_ field: (inout JSONCursor, String) -> Bool) -> Bool {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == 123 else { return false }
        index += 1
        skipWhitespace()
        if index < bytes.count, bytes[index] == 125 {
            index += 1
            return true
        }
        while true {
            guard let key = string() else { return false }
            skipWhitespace()
            guard index < bytes.count, bytes[index] == 58 else { return false }
            index += 1
            guard field(&self, key) else { return false }
            skipWhitespace()
            guard index < bytes.count else { return false }
            if bytes[index] == 44 {
                index += 1
                continue
            }
            if bytes[index] == 125 {
                index += 1
                return true
            }
            return false
        }
    }

    /// Reads an array, calling `element` for each value.
    mutating func array(_ element: (inout JSONCursor) -> Bool) -> Bool {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == 91 else { return false }
        index += 1
        skipWhitespace()
        if index < bytes.count, bytes[index] == 93 {
            index += 1
            return true
        }
        while true {
            guard element(&self) else { return false }
            skipWhitespace()
            guard index < bytes.count else { return false }
            if bytes[index] == 44 {
                index += 1
                continue
            }
            if bytes[index] == 93 {
                index += 1
                return true
            }
            return false
        }
    }

    /// Skips any value.
    mutating func skip() -> Bool {
        skipWhitespace()
        guard index < bytes.count else { return false }
        switch bytes[index] {
        case 123: return object { cursor, _ in cursor.skip() }
        case 91: return array { $0.skip() }
        case 34: return string() != nil
        case 116, 102: return bool() != nil
        case 110: return null()
        default:
            // A number: integer, fraction, exponent.
            let start = index
            while index < bytes.count {
                let b = bytes[index]
                guard (b >= 48 && b <= 57) || b == 45 || b == 43 || b == 46 || b == 101 || b == 69 else { break }
                index += 1
            }
            return index > start
                && Double(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)) != nil
        }
    }

    /// Reads an optional value: nil for `null`, else `read`'s result (failing when it fails).
    mutating func optional<T>(_ read: (inout JSONCursor) -> T?) -> T?? {
        if null() { return .some(nil) }
        guard let value = read(&self) else { return nil }
        return .some(value)
    }
}
