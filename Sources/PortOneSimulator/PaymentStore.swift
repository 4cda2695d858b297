import Foundation

/// The simulator's payments: pre-rendered JSON bytes plus sorted indexes, safe for many
/// concurrent readers and occasional writers.
///
/// Every payment's JSON is rendered once (again when it changes) and pages are served by
/// concatenating those bytes. Four index arrays hold the slots sorted by (requestedAt, id) and
/// (statusChangedAt, id), each ascending and descending by time with ties always by id
/// ascending, so an unfiltered page costs O(log n + size). Events are indexed by (time, id,
/// ordinal).
public final class PaymentStore: @unchecked Sendable {
    /// One payment as stored: its rendered JSON and the keys the indexes sort on.
    struct Entry {
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
    }

    /// An event of one payment before it has a slot.
    struct EventKey {
        /// Time in nanoseconds.
        var at: Int64
        /// 0 for PAID, k for the k-th SUCCEEDED cancellation.
        var ordinal: Int32
    }

    /// An event in the global event index: time, payment slot, ordinal.
    struct EventRef {
        /// Time in nanoseconds.
        var at: Int64
        /// The payment's slot.
        var slot: Int32
        /// 0 for PAID, k for the k-th SUCCEEDED cancellation.
        var ordinal: Int32
    }

    private let lock = ReadWriteLock()
    private var entries: [Entry] = []
    private var slotById: [String: Int32] = [:]
    private var requestedAsc: [Int32] = []
    private var requestedDesc: [Int32] = []
    private var changedAsc: [Int32] = []
    private var changedDesc: [Int32] = []
    private var events: [EventRef] = []

    /// Creates an empty store.
    public init() {}

    /// The number of payments.
    public var count: Int { lock.read { entries.count - deletedCount } }

    /// Slots of deleted payments (tombstones; see ``delete(id:)``).
    private var deletedCount = 0
    /// The status code of a tombstone: matches no status filter and is never PAID.
    static let deletedStatus = UInt8.max

    /// The stored form of `payment` rendered as `json`.
    static func entry(for payment: SimulatedPayment, json: [UInt8]) -> Entry {
        Entry(
            id: payment.id, json: json, status: payment.status.code,
            requestedAt: payment.requestedAt.nanoseconds, statusChangedAt: payment.statusChangedAt.nanoseconds,
            isTest: payment.isTest, isV1: payment.version == "V1", storeId: payment.storeId)
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
        let entries = SlotBuffer<Entry>(count: count)
        let extras = SlotBuffer<Extra>(count: count)
        let eventLists = SlotBuffer<[EventKey]>(count: count)
        let failure = FirstError()
        let chunk = 4096
        let chunks = (count + chunk - 1) / chunk
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            for i in (c * chunk)..<min(count, (c + 1) * chunk) {
                if failure.isSet { return }
                do {
                    let payment = try make(i)
                    entries.set(i, entry(for: payment, json: payment.renderJSON()))
                    let paymentEvents = PaymentEventInfo.events(of: payment)
                    if !paymentEvents.isEmpty {
                        eventLists.set(
                            i, paymentEvents.map { EventKey(at: $0.at.nanoseconds, ordinal: Int32($0.ordinal)) })
                    }
                    if let extra = extract(payment) { extras.set(i, extra) }
                } catch {
                    failure.record(index: i, error)
                    return
                }
            }
        }
        if let error = failure.error { throw error }
        timing("rendered \(count) payments")
        let store = PaymentStore()
        var list: [Entry] = []
        list.reserveCapacity(count)
        var allEvents: [EventRef] = []
        allEvents.reserveCapacity(count + count / 8)
        store.slotById.reserveCapacity(count)
        for i in 0..<count {
            let entry = entries.take(i)!
            let slot: Int32
            if let existing = store.slotById[entry.id] {
                slot = existing
                list[Int(existing)] = entry
                allEvents.removeAll { $0.slot == existing }
            } else {
                slot = Int32(list.count)
                store.slotById[entry.id] = slot
                list.append(entry)
            }
            for event in eventLists.take(i) ?? [] {
                allEvents.append(EventRef(at: event.at, slot: slot, ordinal: event.ordinal))
            }
        }
        store.entries = list
        store.events = allEvents
        timing("collected entries and \(allEvents.count) events")
        store.rebuildIndexes()
        timing("sorted indexes")
        return (store, (0..<count).map { extras.take($0) })
    }

    private func rebuildIndexes() {
        let slots = (0..<Int32(entries.count)).map { $0 }
        entries.withUnsafeBufferPointer { e in
            requestedAsc = slots.sorted {
                Self.ascending(e[Int($0)].requestedAt, e[Int($0)].id, e[Int($1)].requestedAt, e[Int($1)].id)
            }
            requestedDesc = slots.sorted {
                Self.descending(e[Int($0)].requestedAt, e[Int($0)].id, e[Int($1)].requestedAt, e[Int($1)].id)
            }
            changedAsc = slots.sorted {
                Self.ascending(e[Int($0)].statusChangedAt, e[Int($0)].id, e[Int($1)].statusChangedAt, e[Int($1)].id)
            }
            changedDesc = slots.sorted {
                Self.descending(e[Int($0)].statusChangedAt, e[Int($0)].id, e[Int($1)].statusChangedAt, e[Int($1)].id)
            }
            events.sort { a, b in
                if a.at != b.at { return a.at < b.at }
                if a.slot != b.slot { return e[Int(a.slot)].id < e[Int(b.slot)].id }
                return a.ordinal < b.ordinal
            }
        }
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
        lock.read { slotById[id].map { entries[Int($0)].json } }
    }

    /// The decoded payment with `id`, or nil.
    public func payment(id: String) -> SimulatedPayment? {
        guard let bytes = json(id: id) else { return nil }
        return FastPaymentDecoder.decodeStored(bytes)
    }

    /// Every payment's JSON in (requestedAt, id) order (for saving a data set).
    public func allJSON() -> [[UInt8]] {
        lock.read { requestedAsc.map { entries[Int($0)].json } }
    }

    /// Runs a `GET /payments` query: the page's JSON items and the number of matches.
    public func query(_ q: PaymentQuery) -> (items: [[UInt8]], totalCount: Int) {
        lock.read {
            let filterOnChanged = q.timestampType == .statusChangedAt
            let sortOnChanged = q.sortBy == .statusChangedAt
            let sameKey = filterOnChanged == sortOnChanged
            let index: [Int32]
            if sameKey {
                index =
                    filterOnChanged
                    ? (q.ascending ? changedAsc : changedDesc) : (q.ascending ? requestedAsc : requestedDesc)
            } else {
                index = filterOnChanged ? changedAsc : requestedAsc
            }
            let descending = sameKey && !q.ascending
            let (lo, hi) = entries.withUnsafeBufferPointer { e -> (Int, Int) in
                func key(_ slot: Int32) -> Int64 {
                    filterOnChanged ? e[Int(slot)].statusChangedAt : e[Int(slot)].requestedAt
                }
                if descending {
                    return (
                        Self.firstIndex(index) { key($0) < q.until }, Self.firstIndex(index) { key($0) < q.from }
                    )
                }
                return (Self.firstIndex(index) { key($0) >= q.from }, Self.firstIndex(index) { key($0) >= q.until })
            }
            guard lo < hi else { return ([], 0) }
            let filtered = q.hasEntryFilter
            if sameKey && !filtered {
                let start = min(hi, lo + q.offset)
                let end = min(hi, start + q.size)
                return (index[start..<end].map { entries[Int($0)].json }, hi - lo)
            }
            var matches: [Int32] = []
            var total = 0
            var page: [[UInt8]] = []
            for position in lo..<hi {
                let slot = index[position]
                guard q.matches(entries[Int(slot)]) else { continue }
                if sameKey {
                    if total >= q.offset && page.count < q.size { page.append(entries[Int(slot)].json) }
                } else {
                    matches.append(slot)
                }
                total += 1
            }
            if sameKey { return (page, total) }
            entries.withUnsafeBufferPointer { e in
                let byChanged = sortOnChanged
                matches.sort { a, b in
                    let ta = byChanged ? e[Int(a)].statusChangedAt : e[Int(a)].requestedAt
                    let tb = byChanged ? e[Int(b)].statusChangedAt : e[Int(b)].requestedAt
                    return q.ascending
                        ? Self.ascending(ta, e[Int(a)].id, tb, e[Int(b)].id)
                        : Self.descending(ta, e[Int(a)].id, tb, e[Int(b)].id)
                }
            }
            let start = min(matches.count, q.offset)
            let end = min(matches.count, start + q.size)
            return (matches[start..<end].map { entries[Int($0)].json }, total)
        }
    }

    /// A `GET /payments-by-cursor` page: payments requested in [from, until) after `cursor`,
    /// in (requestedAt, id) order, each with its own cursor.
    public func cursorPage(from: Int64, until: Int64, after cursor: PageCursor?, size: Int) -> [(
        json: [UInt8], cursor: PageCursor
    )] {
        lock.read {
            entries.withUnsafeBufferPointer { e in
                var start = Self.firstIndex(requestedAsc) { e[Int($0)].requestedAt >= from }
                if let cursor {
                    start = max(
                        start,
                        Self.firstIndex(requestedAsc) { slot in
                            let entry = e[Int(slot)]
                            return entry.requestedAt > cursor.at
                                || (entry.requestedAt == cursor.at && entry.id > cursor.id)
                        })
                }
                var out: [(json: [UInt8], cursor: PageCursor)] = []
                var position = start
                while position < requestedAsc.count, out.count < size {
                    let entry = e[Int(requestedAsc[position])]
                    if entry.requestedAt >= until { break }
                    out.append((entry.json, PageCursor(at: entry.requestedAt, id: entry.id, ordinal: 0)))
                    position += 1
                }
                return out
            }
        }
    }

    /// A `GET /payment-events-by-cursor` page: events at [from, until) after `cursor`, in
    /// (time, payment id, ordinal) order; the payment JSON and the ordinal of each event.
    public func eventPage(from: Int64, until: Int64, after cursor: PageCursor?, size: Int) -> [(
        json: [UInt8], ordinal: Int, cursor: PageCursor
    )] {
        lock.read {
            entries.withUnsafeBufferPointer { e in
                var start = Self.firstIndex(events) { $0.at >= from }
                if let cursor {
                    start = max(
                        start,
                        Self.firstIndex(events) { ref in
                            if ref.at != cursor.at { return ref.at > cursor.at }
                            let id = e[Int(ref.slot)].id
                            if id != cursor.id { return id > cursor.id }
                            return Int(ref.ordinal) > cursor.ordinal
                        })
                }
                var out: [(json: [UInt8], ordinal: Int, cursor: PageCursor)] = []
                var position = start
                while position < events.count, out.count < size {
                    let ref = events[position]
                    if ref.at >= until { break }
                    let entry = e[Int(ref.slot)]
                    out.append(
                        (entry.json, Int(ref.ordinal), PageCursor(at: ref.at, id: entry.id, ordinal: Int(ref.ordinal))))
                    position += 1
                }
                return out
            }
        }
    }

    /// Ids of PAID live payments (candidates for mutation).
    public func paidIds() -> [String] {
        lock.read {
            let paid = SimulatedPayment.PaymentStatus.paid.code
            return requestedAsc.compactMap { slot in
                let entry = entries[Int(slot)]
                return entry.status == paid ? entry.id : nil
            }
        }
    }

    /// Up to `count` distinct random PAID payment ids (cheap on large stores: samples slots
    /// first, scans only when PAID payments are rare).
    public func randomPaidIds(count: Int, using rng: inout SeededRandom) -> [String] {
        lock.read {
            guard count > 0, !entries.isEmpty else { return [] }
            let paid = SimulatedPayment.PaymentStatus.paid.code
            var picked: [String] = []
            var seen = Set<Int>()
            var attempts = 0
            while picked.count < count, attempts < count * 64 {
                attempts += 1
                let slot = Int(rng.next() % UInt64(entries.count))
                guard entries[slot].status == paid, seen.insert(slot).inserted else { continue }
                picked.append(entries[slot].id)
            }
            if picked.count < count {
                var all = requestedAsc.filter { entries[Int($0)].status == paid && !seen.contains(Int($0)) }
                while picked.count < count, !all.isEmpty {
                    let k = Int(rng.next() % UInt64(all.count))
                    all.swapAt(k, all.count - 1)
                    picked.append(entries[Int(all.removeLast())].id)
                }
            }
            return picked
        }
    }

    // MARK: Writing

    /// Inserts or replaces payments by id, re-rendering them and updating every index.
    public func upsert(_ payments: [SimulatedPayment]) {
        let rendered = payments.map { ($0, $0.renderJSON(), PaymentEventInfo.events(of: $0)) }
        lock.write {
            for (payment, json, paymentEvents) in rendered {
                let entry = Self.entry(for: payment, json: json)
                let slot: Int32
                if let existing = slotById[payment.id] {
                    slot = existing
                    removeFromIndexes(slot)
                    entries[Int(slot)] = entry
                } else {
                    slot = Int32(entries.count)
                    entries.append(entry)
                    slotById[payment.id] = slot
                }
                insertIntoIndexes(slot, events: paymentEvents)
            }
        }
    }

    /// Deletes the payment with `id`, as if PortOne no longer knew it: it leaves every list,
    /// its events and `GET /payments/{id}` (404). Returns false for an unknown id. (Its slot
    /// stays behind as an unreachable tombstone, so other slots keep their numbers.)
    @discardableResult
    public func delete(id: String) -> Bool {
        lock.write {
            guard let slot = slotById[id] else { return false }
            removeFromIndexes(slot)
            slotById[id] = nil
            entries[Int(slot)].status = Self.deletedStatus
            entries[Int(slot)].json = []
            deletedCount += 1
            return true
        }
    }

    /// Changes one payment under the write lock: `change` gets the decoded payment and returns
    /// the new version (or nil to leave it). Returns the new version.
    @discardableResult
    public func modify(id: String, _ change: (SimulatedPayment) -> SimulatedPayment?) -> SimulatedPayment? {
        lock.write {
            guard let slot = slotById[id],
                let current = FastPaymentDecoder.decodeStored(entries[Int(slot)].json),
                let updated = change(current)
            else { return nil }
            removeFromIndexes(slot)
            entries[Int(slot)] = Self.entry(for: updated, json: updated.renderJSON())
            if updated.id != id {
                slotById[id] = nil
                slotById[updated.id] = slot
            }
            insertIntoIndexes(slot, events: PaymentEventInfo.events(of: updated))
            return updated
        }
    }

    private func removeFromIndexes(_ slot: Int32) {
        let entry = entries[Int(slot)]
        func remove(_ index: inout [Int32], descending: Bool, key: (Entry) -> Int64) {
            let t = key(entry)
            let position = entries.withUnsafeBufferPointer { e in
                Self.firstIndex(index) { s in
                    let other = e[Int(s)]
                    let ot = key(other)
                    if ot == t { return other.id >= entry.id }
                    return descending ? ot < t : ot > t
                }
            }
            if position < index.count, index[position] == slot {
                index.remove(at: position)
            } else if let fallback = index.firstIndex(of: slot) {
                index.remove(at: fallback)
            }
        }
        remove(&requestedAsc, descending: false) { $0.requestedAt }
        remove(&requestedDesc, descending: true) { $0.requestedAt }
        remove(&changedAsc, descending: false) { $0.statusChangedAt }
        remove(&changedDesc, descending: true) { $0.statusChangedAt }
        events.removeAll { $0.slot == slot }
    }

    private func insertIntoIndexes(_ slot: Int32, events paymentEvents: [PaymentEventInfo]) {
        let entry = entries[Int(slot)]
        func insert(_ index: inout [Int32], descending: Bool, key: (Entry) -> Int64) {
            let t = key(entry)
            let position = entries.withUnsafeBufferPointer { e in
                Self.firstIndex(index) { s in
                    let other = e[Int(s)]
                    let ot = key(other)
                    if ot == t { return other.id > entry.id }
                    return descending ? ot < t : ot > t
                }
            }
            index.insert(slot, at: position)
        }
        insert(&requestedAsc, descending: false) { $0.requestedAt }
        insert(&requestedDesc, descending: true) { $0.requestedAt }
        insert(&changedAsc, descending: false) { $0.statusChangedAt }
        insert(&changedDesc, descending: true) { $0.statusChangedAt }
        for event in paymentEvents {
            let ref = EventRef(at: event.at.nanoseconds, slot: slot, ordinal: Int32(event.ordinal))
            let position = entries.withUnsafeBufferPointer { e in
                Self.firstIndex(events) { other in
                    if other.at != ref.at { return other.at > ref.at }
                    let otherId = e[Int(other.slot)].id
                    if otherId != entry.id { return otherId > entry.id }
                    return other.ordinal > ref.ordinal
                }
            }
            events.insert(ref, at: position)
        }
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

/// Fixed-size per-index storage written from parallel workers (each index by one worker).
final class SlotBuffer<T>: @unchecked Sendable {
    private var storage: UnsafeMutablePointer<T?>
    private let count: Int

    /// Creates `count` empty slots.
    init(count: Int) {
        self.count = count
        storage = .allocate(capacity: max(1, count))
        storage.initialize(repeating: nil, count: max(1, count))
    }

    deinit {
        storage.deinitialize(count: max(1, count))
        storage.deallocate()
    }

    /// Stores the value of slot `index`.
    func set(_ index: Int, _ value: T) { storage[index] = value }

    /// Removes and returns the value of slot `index`.
    func take(_ index: Int) -> T? {
        let value = storage[index]
        storage[index] = nil
        return value
    }
}

/// Remembers the first error (lowest index) from parallel workers.
final class FirstError: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: (Int, Error)?

    /// Whether an error was recorded.
    var isSet: Bool { lock.withLock { stored != nil } }
    /// The recorded error.
    var error: Error? { lock.withLock { stored?.1 } }

    /// Records `error` of item `index` unless a lower index already failed.
    func record(index: Int, _ error: Error) {
        lock.withLock {
            if stored == nil || stored!.0 > index { stored = (index, error) }
        }
    }
}
