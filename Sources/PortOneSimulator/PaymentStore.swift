import Foundation
import Synchronization

/// The simulator's payments: pre-rendered JSON bytes plus sorted indexes, safe for many
/// concurrent readers and occasional writers.
///
/// Every payment's JSON, and the JSON of each of its journal events, is rendered once (again
/// when it changes) and pages are served by concatenating those bytes. Four index arrays hold
/// the slots sorted by (requestedAt, id) and (statusChangedAt, id), each ascending and
/// descending by time with ties always by id ascending, so an unfiltered page costs
/// O(log n + size). Events are indexed by (time, id, ordinal).
///
/// Many page requests read at once and mutations are rare: a reader takes the ``Contents``
/// value out of the lock (copying it only retains its arrays) and builds its page without
/// holding the lock, so readers never wait for each other; a writer changes the contents in
/// place under the lock, and copies an array only while a reader still holds a version of it.
public final class PaymentStore: Sendable {
    /// One payment as stored: its rendered JSON and the keys the indexes sort on.
    struct Entry: Sendable {
        /// The id.
        var id: String
        /// Rendered PortOne JSON.
        var json: [UInt8]
        /// Status code (see `PaymentStatus.code`).
        var status: UInt8
        /// requestedAt in nanoseconds.
        var requestedAt: Int64
        /// statusChangedAt in nanoseconds.
        var statusChangedAt: Int64
        /// Test channel.
        var isTest: Bool
        /// V1 payment.
        var isV1: Bool
        /// Store id.
        var storeId: String
        /// Each of its events as `GET /payment-events-by-cursor` serves it (the `paymentEvent`
        /// member), by ordinal: rendered with the entry, so serving a page decodes nothing.
        var eventJSON: [[UInt8]]
    }

    /// An event of one payment before it has a slot.
    struct EventKey: Sendable {
        /// Time in nanoseconds.
        var at: Int64
        /// 0 for PAID, k for the k-th SUCCEEDED cancellation.
        var ordinal: Int32
    }

    /// An event in the global event index: time, payment slot, ordinal.
    struct EventRef: Sendable {
        /// Time in nanoseconds.
        var at: Int64
        /// The payment's slot.
        var slot: Int32
        /// 0 for PAID, k for the k-th SUCCEEDED cancellation.
        var ordinal: Int32
    }

    /// The payments and indexes; see ``Contents``.
    private let contents: Mutex<Contents>

    /// Creates an empty store.
    public init() {
        contents = Mutex(Contents())
    }

    private init(_ contents: consuming Contents) {
        self.contents = Mutex(contents)
    }

    /// The current contents, for reading without holding the lock.
    private var snapshot: Contents { contents.withLock { $0 } }

    /// The number of payments.
    public var count: Int { contents.withLock { $0.entries.count - $0.deletedCount } }

    /// The status code of a tombstone: matches no status filter and is never PAID.
    static let deletedStatus = UInt8.max

    /// The stored form of `payment` rendered as `json`, with its events rendered too.
    static func entry(for payment: SimulatedPayment, json: [UInt8]) -> Entry {
        Entry(
            id: payment.id, json: json, status: payment.status.code,
            requestedAt: payment.requestedAt.nanoseconds, statusChangedAt: payment.statusChangedAt.nanoseconds,
            isTest: payment.isTest, isV1: payment.version == "V1", storeId: payment.storeId,
            eventJSON: eventJSON(stored: json))
    }

    /// The JSON of each event of the payment stored as `json`, by ordinal. Rendered from the
    /// payment as stored (decoded from `json`), not as given: the stored form drops what its
    /// status does not show (a cancelled payment's `pgResponse`, say), and the journal has
    /// always shown the stored form.
    static func eventJSON(stored json: [UInt8]) -> [[UInt8]] {
        guard let stored = FastPaymentDecoder.decodeStored(json) else { return [] }
        return PaymentEventInfo.events(of: stored).map { $0.renderJSON(of: stored) }
    }

    /// What one worker of ``build(count:make:extract:)`` made of its run of indexes.
    private struct Chunk<Extra: Sendable>: Sendable {
        /// The payments in index order.
        var entries: [Entry] = []
        /// Their events.
        var events: [[EventKey]] = []
        /// Their side values.
        var extras: [Extra?] = []
        /// The first index `make` failed on, and why (the chunk stops there).
        var failure: (index: Int, error: any Error)?
    }

    /// Builds a store of `count` payments made by `make` (called in parallel, once per index).
    ///
    /// `extract` derives a side value from each payment (e.g. ledger facts) while it is at hand.
    /// Payments with a duplicate id replace the earlier one. The first error thrown by `make`
    /// is rethrown.
    public static func build<Extra: Sendable>(
        count: Int, make: @Sendable (Int) throws -> SimulatedPayment,
        extract: @Sendable (SimulatedPayment) -> Extra?
    ) throws -> (PaymentStore, [Extra?]) {
        let chunkSize = 4096
        let chunkCount = (count + chunkSize - 1) / chunkSize
        // Each worker fills a chunk of its own and hands it over once, so the lock is taken once
        // per 4,096 payments, not once per payment.
        let chunks = Mutex<[Chunk<Extra>?]>(Array(repeating: nil, count: chunkCount))
        let failed = Atomic<Bool>(false)
        DispatchQueue.concurrentPerform(iterations: chunkCount) { c in
            var chunk = Chunk<Extra>()
            for i in (c * chunkSize)..<min(count, (c + 1) * chunkSize) {
                if failed.load(ordering: .relaxed) { break }
                do {
                    let payment = try make(i)
                    chunk.entries.append(entry(for: payment, json: payment.renderJSON()))
                    chunk.events.append(
                        PaymentEventInfo.events(of: payment).map {
                            EventKey(at: $0.at.nanoseconds, ordinal: Int32($0.ordinal))
                        })
                    chunk.extras.append(extract(payment))
                } catch {
                    chunk.failure = (i, error)
                    failed.store(true, ordering: .relaxed)
                    break
                }
            }
            chunks.withLock { $0[c] = chunk }
        }
        var made = chunks.withLock { chunks in
            var taken: [Chunk<Extra>?] = []
            swap(&taken, &chunks)
            return taken
        }
        if let failure = made.compactMap({ $0?.failure }).min(by: { $0.index < $1.index }) { throw failure.error }
        timing("rendered \(count) payments")
        var contents = Contents()
        var list: [Entry] = []
        list.reserveCapacity(count)
        var allEvents: [EventRef] = []
        allEvents.reserveCapacity(count + count / 8)
        var extras: [Extra?] = []
        extras.reserveCapacity(count)
        contents.slotById.reserveCapacity(count)
        for c in made.indices {
            // Each chunk is released once collected, so the payments are never held twice.
            guard let chunk = made[c].take() else { continue }
            for (k, entry) in chunk.entries.enumerated() {
                let slot: Int32
                if let existing = contents.slotById[entry.id] {
                    slot = existing
                    list[Int(existing)] = entry
                    allEvents.removeAll { $0.slot == existing }
                } else {
                    slot = Int32(list.count)
                    contents.slotById[entry.id] = slot
                    list.append(entry)
                }
                for event in chunk.events[k] {
                    allEvents.append(EventRef(at: event.at, slot: slot, ordinal: event.ordinal))
                }
            }
            extras.append(contentsOf: chunk.extras)
        }
        contents.entries = list
        contents.events = allEvents
        timing("collected entries and \(allEvents.count) events")
        contents.rebuildIndexes()
        timing("sorted indexes")
        return (PaymentStore(contents), extras)
    }

    /// Order by time ascending, ties by id ascending.
    @inline(__always) static func ascending(_ t1: Int64, _ id1: String, _ t2: Int64, _ id2: String) -> Bool {
        t1 != t2 ? t1 < t2 : id1 < id2
    }

    /// Order by time descending, ties by id ascending.
    @inline(__always) static func descending(_ t1: Int64, _ id1: String, _ t2: Int64, _ id2: String) -> Bool {
        t1 != t2 ? t1 > t2 : id1 < id2
    }

    // MARK: Reading

    /// The JSON of the payment with `id`, or nil.
    public func json(id: String) -> [UInt8]? {
        snapshot.json(id: id)
    }

    /// The decoded payment with `id`, or nil.
    public func payment(id: String) -> SimulatedPayment? {
        guard let bytes = json(id: id) else { return nil }
        return FastPaymentDecoder.decodeStored(bytes)
    }

    /// Every payment's JSON in (requestedAt, id) order (for saving a data set).
    public func allJSON() -> [[UInt8]] {
        snapshot.allJSON()
    }

    /// Runs a `GET /payments` query: the page's JSON items and the number of matches.
    public func query(_ q: PaymentQuery) -> (items: [[UInt8]], totalCount: Int) {
        snapshot.query(q)
    }

    /// A `GET /payments-by-cursor` page: payments requested in [from, until) after `cursor`,
    /// in (requestedAt, id) order, each with its own cursor.
    public func cursorPage(from: Int64, until: Int64, after cursor: PageCursor?, size: Int) -> [(
        json: [UInt8], cursor: PageCursor
    )] {
        snapshot.cursorPage(from: from, until: until, after: cursor, size: size)
    }

    /// A `GET /payment-events-by-cursor` page: events at [from, until) after `cursor`, in
    /// (time, payment id, ordinal) order; each event's JSON (the `paymentEvent` member), ordinal
    /// and cursor.
    public func eventPage(from: Int64, until: Int64, after cursor: PageCursor?, size: Int) -> [(
        json: [UInt8], ordinal: Int, cursor: PageCursor
    )] {
        snapshot.eventPage(from: from, until: until, after: cursor, size: size)
    }

    /// Ids of PAID live payments (candidates for mutation).
    public func paidIds() -> [String] {
        snapshot.paidIds()
    }

    /// Up to `count` distinct random PAID payment ids (cheap on large stores: samples slots
    /// first, scans only when PAID payments are rare).
    public func randomPaidIds(count: Int, using rng: inout SeededRandom) -> [String] {
        snapshot.randomPaidIds(count: count, using: &rng)
    }

    // MARK: Writing

    /// Inserts or replaces payments by id, re-rendering them and updating every index.
    public func upsert(_ payments: [SimulatedPayment]) {
        // Rendered before the lock is taken: readers wait for the lock, not for the rendering.
        let rendered = payments.map { (Self.entry(for: $0, json: $0.renderJSON()), PaymentEventInfo.events(of: $0)) }
        contents.withLock { $0.upsert(rendered) }
    }

    /// Deletes the payment with `id`, as if PortOne no longer knew it: it leaves every list,
    /// its events and `GET /payments/{id}` (404). Returns false for an unknown id. (Its slot
    /// stays behind as an unreachable tombstone, so other slots keep their numbers.)
    @discardableResult
    public func delete(id: String) -> Bool {
        contents.withLock { $0.delete(id: id) }
    }

    /// Changes one payment under the lock: `change` gets the decoded payment and returns the
    /// new version (or nil to leave it). Returns the new version.
    @discardableResult
    public func modify(id: String, _ change: (SimulatedPayment) -> SimulatedPayment?) -> SimulatedPayment? {
        contents.withLock { $0.modify(id: id, change) }
    }

    /// The first position where `isAfter` is true, for a predicate false then true along `array`.
    static func firstIndex<T>(_ array: [T], _ isAfter: (T) -> Bool) -> Int {
        var lo = 0
        var hi = array.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if isAfter(array[mid]) { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }
}

private let timingEnabled = ProcessInfo.processInfo.environment["PORTONE_SIMULATOR_TIMING"] != nil
private let timingStart = Date()

/// Prints a phase time to stderr when PORTONE_SIMULATOR_TIMING is set (benchmarks only).
func timing(_ phase: String) {
    guard timingEnabled else { return }
    FileHandle.standardError.write(
        Data(String(format: "[%.2fs] %@\n", Date().timeIntervalSince(timingStart), phase).utf8))
}
