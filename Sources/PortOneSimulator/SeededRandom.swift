/// A small deterministic pseudo-random generator (SplitMix64).
///
/// Deterministic across platforms and runs, so a seed always produces the same data set.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// Creates a generator from a seed.
    public init(seed: UInt64) { state = seed }

    /// Creates a generator for item `index` of a stream seeded with `seed`.
    public init(seed: UInt64, stream: UInt64, index: UInt64) {
        var mixer = SeededRandom(seed: seed ^ (stream &* 0x9E37_79B9_7F4A_7C15))
        _ = mixer.next()
        state = mixer.next() ^ (index &* 0xD1B5_4A32_D192_ED03)
        _ = next()
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform value in 0..<1 (used for shares, never for money).
    public mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// True with probability `p`.
    public mutating func chance(_ p: Double) -> Bool { unit() < p }

    /// A uniform integer in `range`.
    public mutating func int(_ range: ClosedRange<Int64>) -> Int64 {
        let width = UInt64(bitPattern: range.upperBound &- range.lowerBound) &+ 1
        if width == 0 { return Int64(bitPattern: next()) }
        return range.lowerBound &+ Int64(bitPattern: next() % width)
    }

    /// A random element.
    public mutating func pick<T>(_ items: [T]) -> T { items[Int(next() % UInt64(items.count))] }

    /// `count` lowercase hex digits.
    public mutating func hex(_ count: Int) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(count)
        var bits = next()
        for i in 0..<count {
            if i % 16 == 15 { bits = next() }
            out.append(digits[Int(bits & 15)])
            bits >>= 4
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `count` lowercase base-36 characters.
    public mutating func base36(_ count: Int) -> String {
        let digits = Array("0123456789abcdefghijklmnopqrstuvwxyz".utf8)
        var out = [UInt8]()
        out.reserveCapacity(count)
        for _ in 0..<count { out.append(digits[Int(next() % 36)]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// A version-4-shaped UUID string (lowercase).
    public mutating func uuid() -> String {
        let h = hex(32)
        let c = Array(h.utf8)
        var out = [UInt8]()
        out.reserveCapacity(36)
        for (i, byte) in c.enumerated() {
            if i == 8 || i == 12 || i == 16 || i == 20 { out.append(45) }
            if i == 12 {
                out.append(52)
                continue
            }
            if i == 16 {
                out.append(Array("89ab".utf8)[Int(byte % 4)])
                continue
            }
            out.append(byte)
        }
        return String(decoding: out, as: UTF8.self)
    }
}
