/// Typed readers over the scanner's primitives that name where a failure is (member names and
/// array indexes), shared by the payment decoders.
extension JSONScanner {
    /// A required member is absent from the object just read.
    @inlinable
    public func missing(_ name: String) -> Failure {
        Failure(offset: position, reason: "missing", missing: name)
    }

    /// Iterates members, adding the member name to the path of any failure.
    @inlinable
    public mutating func members(_ body: (inout JSONScanner, UnsafeBufferPointer<UInt8>) throws(Failure) -> Void)
        throws(Failure)
    {
        try object { (s: inout JSONScanner, key) throws(Failure) in
            do throws(Failure) {
                try body(&s, key)
            } catch {
                var failure = error
                failure.path.insert(String(decoding: key, as: UTF8.self), at: 0)
                throw failure
            }
        }
    }

    /// Iterates elements with their index, adding `[index]` to the path of any failure.
    @inlinable
    public mutating func elements(_ body: (inout JSONScanner, Int) throws(Failure) -> Void) throws(Failure) {
        var index = 0
        try array { (s: inout JSONScanner) throws(Failure) in
            do throws(Failure) {
                try body(&s, index)
            } catch {
                var failure = error
                failure.path.insert("[\(index)]", at: 0)
                throw failure
            }
            index += 1
        }
    }

    /// Reads a value unless it is `null`.
    @inlinable
    public mutating func optional<T>(_ read: (inout JSONScanner) throws(Failure) -> T) throws(Failure) -> T? {
        if try consumeNull() { return nil }
        return try read(&self)
    }

    /// Reads an array of values unless it is `null`.
    @inlinable
    public mutating func optionalArray<T>(_ read: (inout JSONScanner) throws(Failure) -> T) throws(Failure) -> [T]? {
        if try consumeNull() { return nil }
        var values: [T] = []
        try elements { (s: inout JSONScanner, _) throws(Failure) in values.append(try read(&s)) }
        return values
    }

    /// A string, or nil for `null`.
    @inlinable
    public mutating func optionalString() throws(Failure) -> String? {
        if try consumeNull() { return nil }
        return try string()
    }

    /// An integer, or nil for `null`.
    @inlinable
    public mutating func optionalInt64() throws(Failure) -> Int64? {
        if try consumeNull() { return nil }
        return try int64()
    }

    /// An integer, or nil for `null`.
    @inlinable
    public mutating func optionalInt() throws(Failure) -> Int? {
        if try consumeNull() { return nil }
        return Int(try int64())
    }

    /// A boolean, or nil for `null`.
    @inlinable
    public mutating func optionalBool() throws(Failure) -> Bool? {
        if try consumeNull() { return nil }
        return try bool()
    }

    /// Reads an RFC 3339 timestamp string.
    @inlinable
    public mutating func timestamp() throws(Failure) -> RFC3339.Timestamp {
        let text = try string()
        do {
            return try RFC3339.parse(text)
        } catch {
            throw fail(error.description)
        }
    }

    /// An RFC 3339 timestamp, or nil for `null`.
    @inlinable
    public mutating func optionalTimestamp() throws(Failure) -> RFC3339.Timestamp? {
        if try consumeNull() { return nil }
        return try timestamp()
    }

    /// Reads an object and returns one string member of it (others skipped).
    @inlinable
    public mutating func memberString(_ name: StaticString) throws(Failure) -> String? {
        var value: String?
        try members { (s: inout JSONScanner, key) throws(Failure) in
            if key.equals(name) {
                value = try s.optionalString()
            } else {
                try s.skipValue()
            }
        }
        return value
    }
}
