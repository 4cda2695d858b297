/// A set of payment ids kept as 96-bit fingerprints (12 bytes each instead of a heap string),
/// so the ids a PortOne scan handed over, or a ledger window's ids, stay small at a million.
///
/// Two independently salted SipHash-1-3 values per id: 96 of their bits are kept, and 8 others
/// pick one of 256 segments. A false "already seen" needs the 96 bits to collide within a
/// segment: about 10⁻²³ for a million ids. The segments grow one at a time, so the set never
/// holds its old and new storage whole at once (one `Set` of a million fingerprints would, for
/// a moment, while it doubles).
public struct PaymentIdSet: Sendable, Hashable {
    private struct Fingerprint: Hashable, Sendable {
        let first: UInt32
        let second: UInt32
        let third: UInt32
    }

    private static let segmentCount = 256
    private var segments = [Set<Fingerprint>](repeating: [], count: segmentCount)

    /// The number of ids inserted.
    public private(set) var count = 0

    /// An empty set.
    public init() {}

    /// Inserts an id; false when it was already there.
    @discardableResult
    public mutating func insert(_ id: String) -> Bool {
        let (segment, fingerprint) = Self.fingerprint(id)
        guard segments[segment].insert(fingerprint).inserted else { return false }
        count += 1
        return true
    }

    /// Whether `id` was inserted.
    public func contains(_ id: String) -> Bool {
        let (segment, fingerprint) = Self.fingerprint(id)
        return segments[segment].contains(fingerprint)
    }

    private static func fingerprint(_ id: String) -> (segment: Int, Fingerprint) {
        var first = Hasher()
        first.combine(0x5EED_0001 as UInt64)
        first.combine(id)
        var second = Hasher()
        second.combine(0x5EED_0002 as UInt64)
        second.combine(id)
        let (high, low) = (UInt64(bitPattern: Int64(first.finalize())), UInt64(bitPattern: Int64(second.finalize())))
        return (
            Int(low >> 56),
            Fingerprint(
                first: UInt32(truncatingIfNeeded: high), second: UInt32(truncatingIfNeeded: high >> 32),
                third: UInt32(truncatingIfNeeded: low))
        )
    }
}
