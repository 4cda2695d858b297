/// The 64-bit key of a PostgreSQL advisory lock.
public struct AdvisoryLockKey: Sendable, Hashable, CustomStringConvertible {
    /// The bigint key passed to `pg_advisory_lock`.
    public let value: Int64

    /// Uses `value` as it is.
    public init(_ value: Int64) { self.value = value }

    /// Derives a stable key from a name (FNV-1a 64 of its UTF-8 bytes), so lock names can be
    /// read in code while the server sees a number.
    public init(name: String) {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in name.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        self.value = Int64(bitPattern: hash)
    }

    /// The key as `pg_locks` shows it: `classid` holds the high 32 bits, `objid` the low ones.
    var lockTableIDs: (classID: UInt32, objectID: UInt32) {
        let bits = UInt64(bitPattern: value)
        return (UInt32(truncatingIfNeeded: bits >> 32), UInt32(truncatingIfNeeded: bits))
    }

    /// The key in decimal.
    public var description: String { String(value) }
}
