/// A set of payment ids kept as 128-bit fingerprints (16 bytes each instead of a heap string),
/// so the ids a PortOne scan handed over, or a ledger window's ids, stay small at a million.
///
/// Two independently salted SipHash-1-3 values per id: a false "already seen" needs both
/// 64-bit halves to collide, about 10⁻²⁷ for a million ids.
public struct PaymentIdSet: Sendable, Hashable {
    private struct Fingerprint: Hashable, Sendable {
        let high: UInt64
        let low: UInt64
    }

    private var fingerprints = Set<Fingerprint>()

    /// An empty set.
    public init() {}

    /// The number of ids inserted.
    public var count: Int { fingerprints.count }

    /// Inserts an id; false when it was already there.
    @discardableResult
    public mutating func insert(_ id: String) -> Bool {
        fingerprints.insert(Self.fingerprint(id)).inserted
    }

    /// Whether `id` was inserted.
    public func contains(_ id: String) -> Bool {
        fingerprints.contains(Self.fingerprint(id))
    }

    private static func fingerprint(_ id: String) -> Fingerprint {
        var first = Hasher()
        first.combine(0x5EED_0001 as UInt64)
        first.combine(id)
        var second = Hasher()
        second.combine(0x5EED_0002 as UInt64)
        second.combine(id)
        return Fingerprint(
            high: UInt64(bitPattern: Int64(first.finalize())), low: UInt64(bitPattern: Int64(second.finalize())))
    }
}
