import WireFormat

/// A minimal, fast JSON byte writer used to pre-render payments.
///
/// It writes compact JSON with keys in the order they are written. Callers are responsible
/// for structure (commas are inserted automatically per nesting level).
public struct JSONWriter: Sendable {
    /// The bytes written so far.
    public private(set) var bytes: [UInt8] = []
    private var needsComma: [Bool] = [false]

    /// Creates an empty writer with `capacity` bytes reserved.
    public init(capacity: Int = 1024) { bytes.reserveCapacity(capacity) }

    private mutating func separator() {
        if needsComma[needsComma.count - 1] { bytes.append(44) }
        needsComma[needsComma.count - 1] = true
    }

    /// Opens an object (as a value, or after `key`).
    public mutating func beginObject(_ key: String? = nil) {
        if let key { writeKey(key) } else { separator() }
        bytes.append(123)
        needsComma.append(false)
    }

    /// Closes the current object.
    public mutating func endObject() {
        needsComma.removeLast()
        bytes.append(125)
    }

    /// Opens an array (as a value, or after `key`).
    public mutating func beginArray(_ key: String? = nil) {
        if let key { writeKey(key) } else { separator() }
        bytes.append(91)
        needsComma.append(false)
    }

    /// Closes the current array.
    public mutating func endArray() {
        needsComma.removeLast()
        bytes.append(93)
    }

    private mutating func writeKey(_ key: String) {
        separator()
        bytes.append(34)
        var key = key
        key.withUTF8 { bytes.append(contentsOf: $0) }
        bytes.append(34)
        bytes.append(58)
    }

    /// Writes `"key": "value"` (or an array element when `key` is nil).
    public mutating func string(_ key: String?, _ value: String) {
        if let key { writeKey(key) } else { separator() }
        JSONWriter.appendQuoted(value, to: &bytes)
    }

    /// Writes the pair only when `value` is non-nil.
    public mutating func string(_ key: String, ifPresent value: String?) {
        if let value { string(key, value) }
    }

    /// Writes an integer value.
    public mutating func int(_ key: String?, _ value: Int64) {
        if let key { writeKey(key) } else { separator() }
        JSONWriter.appendInt(value, to: &bytes)
    }

    /// Writes the pair only when `value` is non-nil.
    public mutating func int(_ key: String, ifPresent value: Int64?) {
        if let value { int(key, value) }
    }

    /// Writes a boolean value.
    public mutating func bool(_ key: String?, _ value: Bool) {
        if let key { writeKey(key) } else { separator() }
        if value {
            bytes.append(contentsOf: [116, 114, 117, 101])
        } else {
            bytes.append(contentsOf: [102, 97, 108, 115, 101])
        }
    }

    /// Writes the pair only when `value` is non-nil.
    public mutating func bool(_ key: String, ifPresent value: Bool?) {
        if let value { bool(key, value) }
    }

    /// Writes a timestamp as an RFC 3339 string.
    public mutating func timestamp(_ key: String?, _ value: Timestamp) {
        if let key { writeKey(key) } else { separator() }
        bytes.append(34)
        value.write(to: &bytes)
        bytes.append(34)
    }

    /// Writes the pair only when `value` is non-nil.
    public mutating func timestamp(_ key: String, ifPresent value: Timestamp?) {
        if let value { timestamp(key, value) }
    }

    /// Writes pre-rendered JSON bytes as a value.
    public mutating func raw(_ key: String?, _ json: [UInt8]) {
        if let key { writeKey(key) } else { separator() }
        bytes.append(contentsOf: json)
    }

    /// Appends a JSON string literal with escaping.
    public static func appendQuoted(_ value: String, to bytes: inout [UInt8]) {
        JSONString.appendQuoted(value, to: &bytes)
    }

    /// Appends a decimal integer.
    public static func appendInt(_ value: Int64, to bytes: inout [UInt8]) {
        if value == 0 {
            bytes.append(48)
            return
        }
        if value < 0 { bytes.append(45) }
        var v = value.magnitude
        var divisor: UInt64 = 1
        while divisor <= v / 10 { divisor *= 10 }
        while divisor > 0 {
            bytes.append(UInt8(48 + (v / divisor) % 10))
            v %= divisor
            divisor /= 10
        }
    }
}
