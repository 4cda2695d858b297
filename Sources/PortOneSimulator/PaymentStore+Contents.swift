/// The store's payments and indexes as one value, and what reads and changes them.
extension PaymentStore {
    /// Every stored payment and the indexes over them: a value, so that a reader copies it out
    /// of the store's lock (a few reference counts, not the arrays) and reads a consistent
    /// version without holding the lock, while a writer changes it in place under the lock.
    struct Contents: Sendable {
        /// The payments by slot (deleted ones stay as tombstones).
        var entries: [Entry] = []
        /// The slot of each payment id.
        var slotById: [String: Int32] = [:]
        /// Slots by (requestedAt, id) ascending.
        var requestedAsc: [Int32] = []
        /// Slots by requestedAt descending, ties by id ascending.
        var requestedDesc: [Int32] = []
        /// Slots by (statusChangedAt, id) ascending.
        var changedAsc: [Int32] = []
        /// Slots by statusChangedAt descending, ties by id ascending.
        var changedDesc: [Int32] = []
        /// Every event, by (time, payment id, ordinal).
        var events: [EventRef] = []
        /// Slots of deleted payments (tombstones; see ``delete(id:)``).
        var deletedCount = 0
    }
}

extension PaymentStore.Contents {
    /// Sorts the four slot indexes and the event index from scratch.
    mutating func rebuildIndexes() {
        let slots = (0..<Int32(entries.count)).map { $0 }
        entries.withUnsafeBufferPointer { e in
            requestedAsc = slots.sorted {
                PaymentStore.ascending(e[Int($0)].requestedAt, e[Int($0)].id, e[Int($1)].requestedAt, e[Int($1)].id)
            }
            requestedDesc = slots.sorted {
                PaymentStore.descending(e[Int($0)].requestedAt, e[Int($0)].id, e[Int($1)].requestedAt, e[Int($1)].id)
            }
            changedAsc = slots.sorted {
                PaymentStore.ascending(
                    e[Int($0)].statusChangedAt, e[Int($0)].id, e[Int($1)].statusChangedAt, e[Int($1)].id)
            }
            changedDesc = slots.sorted {
                PaymentStore.descending(
                    e[Int($0)].statusChangedAt, e[Int($0)].id, e[Int($1)].statusChangedAt, e[Int($1)].id)
            }
            events.sort { a, b in
                if a.at != b.at { return a.at < b.at }
                if a.slot != b.slot { return e[Int(a.slot)].id < e[Int(b.slot)].id }
                return a.ordinal < b.ordinal
            }
        }
    }

    /// The JSON of the payment with `id`, or nil.
    func json(id: String) -> [UInt8]? {
        slotById[id].map { entries[Int($0)].json }
    }

    /// Every payment's JSON in (requestedAt, id) order (for saving a data set).
    func allJSON() -> [[UInt8]] {
        requestedAsc.map { entries[Int($0)].json }
    }

    /// Runs a `GET /payments` query: the page's JSON items and the number of matches.
    func query(_ q: PaymentQuery) -> (items: [[UInt8]], totalCount: Int) {
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
                    PaymentStore.firstIndex(index) { key($0) < q.until },
                    PaymentStore.firstIndex(index) { key($0) < q.from }
                )
            }
            return (
                PaymentStore.firstIndex(index) { key($0) >= q.from },
                PaymentStore.firstIndex(index) { key($0) >= q.until }
            )
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
                    ? PaymentStore.ascending(ta, e[Int(a)].id, tb, e[Int(b)].id)
                    : PaymentStore.descending(ta, e[Int(a)].id, tb, e[Int(b)].id)
            }
        }
        let start = min(matches.count, q.offset)
        let end = min(matches.count, start + q.size)
        return (matches[start..<end].map { entries[Int($0)].json }, total)
    }

    /// A `GET /payments-by-cursor` page: payments requested in [from, until) after `cursor`,
    /// in (requestedAt, id) order, each with its own cursor.
    func cursorPage(from: Int64, until: Int64, after cursor: PageCursor?, size: Int) -> [(
        json: [UInt8], cursor: PageCursor
    )] {
        entries.withUnsafeBufferPointer { e in
            var start = PaymentStore.firstIndex(requestedAsc) { e[Int($0)].requestedAt >= from }
            if let cursor {
                start = max(
                    start,
                    PaymentStore.firstIndex(requestedAsc) { slot in
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

    /// A `GET /payment-events-by-cursor` page: events at [from, until) after `cursor`, in
    /// (time, payment id, ordinal) order; each event's pre-rendered JSON, ordinal and cursor.
    /// An indexed event its payment has no rendering for (a stored form that cannot be read
    /// back) is left out, as the journal always did.
    func eventPage(from: Int64, until: Int64, after cursor: PageCursor?, size: Int) -> [(
        json: [UInt8], ordinal: Int, cursor: PageCursor
    )] {
        entries.withUnsafeBufferPointer { e in
            var start = PaymentStore.firstIndex(events) { $0.at >= from }
            if let cursor {
                start = max(
                    start,
                    PaymentStore.firstIndex(events) { ref in
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
                position += 1
                guard Int(ref.ordinal) < entry.eventJSON.count else { continue }
                out.append(
                    (
                        entry.eventJSON[Int(ref.ordinal)], Int(ref.ordinal),
                        PageCursor(at: ref.at, id: entry.id, ordinal: Int(ref.ordinal))
                    ))
            }
            return out
        }
    }

    /// Ids of PAID live payments (candidates for mutation).
    func paidIds() -> [String] {
        let paid = SimulatedPayment.PaymentStatus.paid.code
        return requestedAsc.compactMap { slot in
            let entry = entries[Int(slot)]
            return entry.status == paid ? entry.id : nil
        }
    }

    /// Up to `count` distinct random PAID payment ids (cheap on large stores: samples slots
    /// first, scans only when PAID payments are rare).
    func randomPaidIds(count: Int, using rng: inout SeededRandom) -> [String] {
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

    /// Inserts or replaces payments by id, re-rendering them and updating every index.
    mutating func upsert(_ rendered: [(PaymentStore.Entry, [PaymentEventInfo])]) {
        for (entry, paymentEvents) in rendered {
            let slot: Int32
            if let existing = slotById[entry.id] {
                slot = existing
                removeFromIndexes(slot)
                entries[Int(slot)] = entry
            } else {
                slot = Int32(entries.count)
                entries.append(entry)
                slotById[entry.id] = slot
            }
            insertIntoIndexes(slot, events: paymentEvents)
        }
    }

    /// Deletes the payment with `id`, as if PortOne no longer knew it: it leaves every list,
    /// its events and `GET /payments/{id}` (404). Returns false for an unknown id. (Its slot
    /// stays behind as an unreachable tombstone, so other slots keep their numbers.)
    @discardableResult
    mutating func delete(id: String) -> Bool {
        guard let slot = slotById[id] else { return false }
        removeFromIndexes(slot)
        slotById[id] = nil
        entries[Int(slot)].status = PaymentStore.deletedStatus
        entries[Int(slot)].json = []
        entries[Int(slot)].eventJSON = []
        deletedCount += 1
        return true
    }

    /// Changes one payment (the store calls it under its lock): `change` gets the decoded payment and returns
    /// the new version (or nil to leave it). Returns the new version.
    @discardableResult
    mutating func modify(id: String, _ change: (SimulatedPayment) -> SimulatedPayment?) -> SimulatedPayment? {
        guard let slot = slotById[id],
            let current = FastPaymentDecoder.decodeStored(entries[Int(slot)].json),
            let updated = change(current)
        else { return nil }
        removeFromIndexes(slot)
        entries[Int(slot)] = PaymentStore.entry(for: updated, json: updated.renderJSON())
        if updated.id != id {
            slotById[id] = nil
            slotById[updated.id] = slot
        }
        insertIntoIndexes(slot, events: PaymentEventInfo.events(of: updated))
        return updated
    }

    /// Where `entry` sorts in `index` (ordered by `key`, ascending or descending, then by id):
    /// the first position whose payment sorts after it, or with `orAt`, at or after it. Static,
    /// so callers may hold one of the indexes `inout` while it reads `entries`.
    private static func position(
        of entry: PaymentStore.Entry, in index: [Int32], entries: [PaymentStore.Entry], descending: Bool, orAt: Bool,
        key: (PaymentStore.Entry) -> Int64
    ) -> Int {
        let t = key(entry)
        return entries.withUnsafeBufferPointer { e in
            PaymentStore.firstIndex(index) { s in
                let other = e[Int(s)]
                let ot = key(other)
                if ot == t { return orAt ? other.id >= entry.id : other.id > entry.id }
                return descending ? ot < t : ot > t
            }
        }
    }

    private mutating func removeFromIndexes(_ slot: Int32) {
        let entry = entries[Int(slot)]
        func remove(_ index: inout [Int32], descending: Bool, key: (PaymentStore.Entry) -> Int64) {
            let position = Self.position(
                of: entry, in: index, entries: entries, descending: descending, orAt: true, key: key)
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

    private mutating func insertIntoIndexes(_ slot: Int32, events paymentEvents: [PaymentEventInfo]) {
        let entry = entries[Int(slot)]
        func insert(_ index: inout [Int32], descending: Bool, key: (PaymentStore.Entry) -> Int64) {
            index.insert(
                slot,
                at: Self.position(of: entry, in: index, entries: entries, descending: descending, orAt: false, key: key)
            )
        }
        insert(&requestedAsc, descending: false) { $0.requestedAt }
        insert(&requestedDesc, descending: true) { $0.requestedAt }
        insert(&changedAsc, descending: false) { $0.statusChangedAt }
        insert(&changedDesc, descending: true) { $0.statusChangedAt }
        for event in paymentEvents {
            let ref = PaymentStore.EventRef(at: event.at.nanoseconds, slot: slot, ordinal: Int32(event.ordinal))
            let position = entries.withUnsafeBufferPointer { e in
                PaymentStore.firstIndex(events) { other in
                    if other.at != ref.at { return other.at > ref.at }
                    let otherId = e[Int(other.slot)].id
                    if otherId != entry.id { return otherId > entry.id }
                    return other.ordinal > ref.ordinal
                }
            }
            events.insert(ref, at: position)
        }
    }
}
