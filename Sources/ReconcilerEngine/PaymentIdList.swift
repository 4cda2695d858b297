/// Payment ids in the order they were added, repeats kept, packed as UTF-8 in chunks of a
/// mebibyte: ~44 bytes per id of PortOne's 40-character kind, where an array of strings would
/// hold a heap object each (~90 bytes). The journal's walk keeps every payment id it reads until
/// the status scan is done (a million at a million payments).
struct PaymentIdList: Sendable {
    /// Bytes per chunk (an id longer than that gets a chunk of its own).
    private static let chunkBytes = 1 << 20
    /// The ids' bytes, back to back.
    private var chunks: [[UInt8]] = []
    /// Where each id of a chunk ends in it.
    private var ends: [[UInt32]] = []

    /// The number of ids added.
    private(set) var count = 0

    /// An empty list.
    init() {}

    /// Adds `id` at the end.
    mutating func append(_ id: String) {
        var id = id
        id.withUTF8 { bytes in
            if chunks.isEmpty || chunks[chunks.count - 1].count + bytes.count > Self.chunkBytes {
                var chunk: [UInt8] = []
                chunk.reserveCapacity(max(Self.chunkBytes, bytes.count))
                chunks.append(chunk)
                ends.append([])
            }
            chunks[chunks.count - 1].append(contentsOf: bytes)
            ends[ends.count - 1].append(UInt32(chunks[chunks.count - 1].count))
        }
        count += 1
    }

    /// Adds the ids of `other` at the end, in their order.
    mutating func append(contentsOf other: PaymentIdList) {
        chunks += other.chunks
        ends += other.ends
        count += other.count
    }

    /// Calls `body` with each id, in the order they were added.
    func forEach<E: Error>(_ body: (String) throws(E) -> Void) throws(E) {
        for (chunk, chunkEnds) in zip(chunks, ends) {
            var start = 0
            for end in chunkEnds {
                try body(String(decoding: chunk[start..<Int(end)], as: UTF8.self))
                start = Int(end)
            }
        }
    }
}
