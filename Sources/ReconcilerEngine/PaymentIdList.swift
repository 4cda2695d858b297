/// Payment ids in the order they were added, repeats kept, packed as UTF-8 in chunks of a
/// mebibyte: ~44 bytes per id of PortOne's 40-character kind, where an array of strings would
/// hold a heap object each (~90 bytes). The journal's walk keeps every payment id it reads until
/// the status scan is done (a million at a million payments).
struct PaymentIdList: Sequence, Sendable {
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
                chunk.reserveCapacity(Swift.max(Self.chunkBytes, bytes.count))
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

    /// The ids in the order they were added.
    func makeIterator() -> Iterator {
        Iterator(list: self)
    }

    /// Reads the ids chunk by chunk.
    struct Iterator: IteratorProtocol {
        /// The list read.
        let list: PaymentIdList
        /// The chunk being read.
        var chunk = 0
        /// The next id's number in that chunk.
        var index = 0
        /// Where the next id starts in that chunk.
        var start = 0

        /// The next id, or nil after the last.
        mutating func next() -> String? {
            while chunk < list.chunks.count {
                let ends = list.ends[chunk]
                if index < ends.count {
                    let end = Int(ends[index])
                    let id = String(decoding: list.chunks[chunk][start..<end], as: UTF8.self)
                    index += 1
                    start = end
                    return id
                }
                chunk += 1
                index = 0
                start = 0
            }
            return nil
        }
    }
}
