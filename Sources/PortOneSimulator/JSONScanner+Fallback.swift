import WireFormat

/// WireFormat's scanner read the way ``FastPaymentDecoder`` needs: every reader returns nil (or
/// false) instead of an error, because the decoder then hands the whole payment to
/// `JSONDecoder`, which either decodes it or names the problem. So the fast path must accept
/// nothing `JSONDecoder` refuses: integers with leading zeros and malformed numbers in unknown
/// members are refused here, and so are empty or escaped keys (the scanner does not decode
/// keys; `JSONDecoder` does).
extension JSONScanner {
    /// Whether only whitespace remains.
    mutating func atEnd() -> Bool {
        skipWhitespace()
        return isAtEnd
    }

    /// Consumes `null` if it is next.
    mutating func isNull() -> Bool {
        (try? consumeNull()) ?? false
    }

    /// A string, or nil.
    mutating func text() -> String? {
        try? string()
    }

    /// An integer without fraction, exponent or leading zeros, or nil.
    mutating func integer() -> Int64? {
        skipWhitespace()
        let start = position
        guard let value = try? int64() else { return nil }
        let digits = bytes[start] == UInt8(ascii: "-") ? start + 1 : start
        if position - digits > 1 && bytes[digits] == UInt8(ascii: "0") { return nil }
        return value
    }

    /// `true` or `false`, or nil.
    mutating func flag() -> Bool? {
        try? bool()
    }

    /// Reads an object, calling `field` with each key; `field` consumes the value and returns
    /// false to give up.
    mutating func fields(_ field: (inout JSONScanner, String) -> Bool) -> Bool {
        do throws(Failure) {
            try object { (scanner: inout JSONScanner, key: UnsafeBufferPointer<UInt8>) throws(Failure) in
                guard !key.isEmpty, let name = String(validating: key, as: UTF8.self), field(&scanner, name) else {
                    throw scanner.fail("refused by the payment decoder")
                }
            }
            return true
        } catch {
            return false
        }
    }

    /// Reads an array, calling `element` for each value; `element` returns false to give up.
    mutating func items(_ element: (inout JSONScanner) -> Bool) -> Bool {
        do throws(Failure) {
            try array { (scanner: inout JSONScanner) throws(Failure) in
                guard element(&scanner) else { throw scanner.fail("refused by the payment decoder") }
            }
            return true
        } catch {
            return false
        }
    }

    /// Skips any value, checking strings and numbers as `JSONDecoder` would.
    mutating func skipAny() -> Bool {
        skipWhitespace()
        guard !isAtEnd else { return false }
        switch bytes[position] {
        case UInt8(ascii: "{"): return fields { scanner, _ in scanner.skipAny() }
        case UInt8(ascii: "["): return items { $0.skipAny() }
        case UInt8(ascii: "\""): return text() != nil
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return flag() != nil
        case UInt8(ascii: "n"): return isNull()
        default:
            guard let number = try? scalarText() else { return false }
            return Double(number) != nil
        }
    }

    /// Reads an optional value: `.some(nil)` for `null`, else `read`'s result (nil when it fails).
    mutating func nullable<T>(_ read: (inout JSONScanner) -> T?) -> T?? {
        if isNull() { return .some(nil) }
        guard let value = read(&self) else { return nil }
        return .some(value)
    }
}
