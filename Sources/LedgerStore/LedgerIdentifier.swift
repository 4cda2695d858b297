/// Ids for rows the reconciler adds to the app's tables: `rcn_` + 24 random base32 characters
/// (120 bits from the system's secure generator), text like Prisma's own ids and recognisably
/// the reconciler's.
public enum LedgerIdentifier {
    /// The prefix of every id the reconciler writes.
    public static let prefix = "rcn_"

    private static let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567".utf8)

    /// A new id.
    public static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes = Array(prefix.utf8)
        bytes.reserveCapacity(prefix.utf8.count + 24)
        for _ in 0..<4 {
            // 6 characters of 5 bits from each 30 random bits.
            var bits = generator.next() as UInt64
            for _ in 0..<6 {
                bytes.append(alphabet[Int(bits & 31)])
                bits >>= 5
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
