import Foundation
import Testing

@testable import PortOneSimulator

@Suite struct PaymentStoreTests {
    static let base = Timestamp.parse("2026-11-01T00:00:00Z")!

    /// A minimal payment; `changed`/`requested` are seconds after `base`.
    static func payment(_ id: String, requested: Int64, changed: Int64, status: SimulatedPayment.PaymentStatus = .paid)
        -> SimulatedPayment
    {
        let generator = DataSetGenerator(
            options: GeneratorOptions(count: 1, seed: 1, until: base.adding(nanoseconds: 86_400_000_000_000)))
        var p = generator.payment(at: 0)
        p.id = id
        p.status = status
        p.requestedAt = base.adding(nanoseconds: requested * 1_000_000_000, fractionDigits: 0)
        p.statusChangedAt = base.adding(nanoseconds: changed * 1_000_000_000, fractionDigits: 0)
        p.updatedAt = p.statusChangedAt
        p.paidAt = status == .paid ? p.statusChangedAt : nil
        p.cancellations = nil
        p.amount.cancelled = 0
        p.amount.paid = p.amount.total
        p.channel = SimulatedPayment.Channel(type: "LIVE", pgProvider: "KAKAOPAY", pgMerchantId: "m")
        p.channelGroup = nil
        return p
    }

    static func store(_ payments: [SimulatedPayment]) -> PaymentStore {
        let s = PaymentStore()
        s.upsert(payments)
        return s
    }

    static func ids(_ items: [[UInt8]]) throws -> [String] {
        try items.map { try JSONDecoder().decode(SimulatedPayment.self, from: Data($0)).id }
    }

    static func query(_ json: String) throws -> PaymentQuery {
        try PaymentQuery.parse(
            json, storeId: GeneratorOptions.defaultStoreId, now: base.nanoseconds + 86_400_000_000_000)
    }

    let payments = [
        payment("b", requested: 1, changed: 10), payment("a", requested: 2, changed: 10),
        payment("c", requested: 0, changed: 5), payment("d", requested: 3, changed: 20, status: .failed),
        payment("e", requested: 3, changed: 20),
    ]

    @Test(arguments: [
        ("STATUS_CHANGED_AT", "ASC", ["c", "a", "b", "d", "e"]),
        ("STATUS_CHANGED_AT", "DESC", ["d", "e", "a", "b", "c"]),
        ("REQUESTED_AT", "ASC", ["c", "b", "a", "d", "e"]),
        ("REQUESTED_AT", "DESC", ["d", "e", "a", "b", "c"]),
    ])
    func sortsWithTiesByIdAscending(sortBy: String, order: String, expected: [String]) throws {
        let store = Self.store(payments)
        let from = Self.base.description
        for type in ["STATUS_CHANGED_AT", "CREATED_AT"] {
            let q = try Self.query(
                "{\"page\":{\"size\":100},\"filter\":{\"from\":\"\(from)\",\"timestampType\":\"\(type)\",\"sortBy\":\"\(sortBy)\",\"sortOrder\":\"\(order)\"}}"
            )
            let (items, total) = store.query(q)
            #expect(try Self.ids(items) == expected, "timestampType \(type)")
            #expect(total == 5)
        }
    }

    @Test func fromIsInclusiveAndUntilExclusive() throws {
        let store = Self.store(payments)
        let from = Self.base.adding(nanoseconds: 10_000_000_000).description
        let until = Self.base.adding(nanoseconds: 20_000_000_000).description
        let q = try Self.query(
            "{\"page\":{\"size\":100},\"filter\":{\"from\":\"\(from)\",\"until\":\"\(until)\",\"sortOrder\":\"ASC\"}}")
        #expect(try Self.ids(store.query(q).items) == ["a", "b"])
    }

    @Test func pagesAndFiltersCount() throws {
        let store = Self.store(payments)
        let from = Self.base.description
        let page1 = try Self.query(
            "{\"page\":{\"number\":1,\"size\":2},\"filter\":{\"from\":\"\(from)\",\"sortOrder\":\"ASC\"}}")
        #expect(try Self.ids(store.query(page1).items) == ["b", "d"])
        let paid = try Self.query(
            "{\"page\":{\"number\":1,\"size\":2},\"filter\":{\"from\":\"\(from)\",\"sortOrder\":\"ASC\",\"status\":[\"PAID\"]}}"
        )
        let (items, total) = store.query(paid)
        #expect(try Self.ids(items) == ["b", "e"])
        #expect(total == 4)
    }

    @Test func upsertMovesAPaymentInEveryIndex() throws {
        let store = Self.store(payments)
        store.upsert([Self.payment("c", requested: 0, changed: 30)])
        let from = Self.base.description
        let q = try Self.query("{\"page\":{\"size\":100},\"filter\":{\"from\":\"\(from)\",\"sortOrder\":\"ASC\"}}")
        #expect(try Self.ids(store.query(q).items) == ["a", "b", "d", "e", "c"])
        #expect(store.count == 5)
    }

    @Test func cursorPagesVisitEveryPaymentOnce() throws {
        let generator = DataSetGenerator(options: GeneratorOptions(count: 700, seed: 3, until: Self.base))
        let (store, _) = try PaymentStore.build(
            count: 700, make: { generator.payment(at: $0) }, extract: { _ in Int?.none })
        var seen: [String] = []
        var cursor: PageCursor?
        while true {
            let page = store.cursorPage(from: 0, until: Self.base.nanoseconds, after: cursor, size: 64)
            if page.isEmpty { break }
            seen += try Self.ids(page.map(\.json))
            cursor = page.last!.cursor
        }
        #expect(seen.count == 700 && Set(seen).count == 700)
        var events: [PageCursor] = []
        cursor = nil
        while true {
            let page = store.eventPage(from: 0, until: Self.base.nanoseconds, after: cursor, size: 50)
            if page.isEmpty { break }
            events += page.map(\.cursor)
            cursor = page.last!.cursor
        }
        let sorted = events.sorted { ($0.at, $0.id, $0.ordinal) < ($1.at, $1.id, $1.ordinal) }
        #expect(events == sorted)
        #expect(Set(events).count == events.count)
        let expected = (0..<700).reduce(0) { $0 + PaymentEventInfo.events(of: generator.payment(at: $1)).count }
        #expect(events.count == expected)
    }

    /// One event's JSON as `GET /payment-events-by-cursor` rendered it on each request before
    /// events were rendered with their payment: the stored payment decoded, its events listed,
    /// the one with `ordinal` rendered.
    static func renderedOnRequest(_ json: [UInt8], ordinal: Int) -> [UInt8]? {
        guard let payment = FastPaymentDecoder.decodeStored(json),
            let event = PaymentEventInfo.events(of: payment).first(where: { $0.ordinal == ordinal })
        else { return nil }
        return payment.renderEventJSON(
            type: event.type, eventId: event.eventId(of: payment), createdAt: event.at, eventAmount: event.amount,
            cancellation: event.cancellation)
    }

    /// Walks every event page of `store`, checking each event's JSON against
    /// ``renderedOnRequest(_:ordinal:)``; returns the events' cursors.
    static func checkEventJSON(_ store: PaymentStore) -> [PageCursor] {
        var cursors: [PageCursor] = []
        var cursor: PageCursor?
        while true {
            let page = store.eventPage(from: 0, until: Int64.max, after: cursor, size: 97)
            guard let last = page.last else { break }
            for item in page {
                let stored = store.json(id: item.cursor.id)
                #expect(stored != nil, "an event of \(item.cursor.id), which the store does not hold")
                #expect(
                    item.json == stored.flatMap { renderedOnRequest($0, ordinal: item.ordinal) },
                    "event \(item.ordinal) of \(item.cursor.id)")
            }
            cursors += page.map(\.cursor)
            cursor = last.cursor
        }
        return cursors
    }

    @Test func eventsAreServedAsEachRequestRenderedThemAlsoAfterChanges() throws {
        let generator = DataSetGenerator(options: GeneratorOptions(count: 3000, seed: 7, until: Self.base))
        let (store, _) = try PaymentStore.build(
            count: 3000, make: { generator.payment(at: $0) }, extract: { _ in Int?.none })
        let before = Self.checkEventJSON(store)
        #expect(before.count > 1500)
        #expect(Set(before.map(\.ordinal)).count > 1, "the data set has cancellations")

        // Cancel 30 paid payments (an event each), change 10, delete 20, add 10.
        var random = SeededRandom(seed: 11)
        let paid = store.randomPaidIds(count: 60, using: &random)
        #expect(paid.count == 60)
        for (k, id) in paid.prefix(30).enumerated() {
            let at = Self.base.adding(nanoseconds: Int64(k + 1) * 1_000_000_000)
            let cancelled = store.modify(id: id) {
                SimulatorServer.cancel($0, full: k % 2 == 0, cancellationId: "cx-\(k)", at: at)
            }
            #expect(cancelled != nil)
        }
        var changed = paid[30..<40].compactMap { store.payment(id: $0) }
        for k in changed.indices { changed[k].orderName += " (changed)" }
        let deleted = Set(paid[40..<60])
        for id in deleted { #expect(store.delete(id: id)) }
        let fresh = (0..<10).map { Self.payment("fresh-\($0)", requested: Int64($0), changed: Int64($0)) }
        store.upsert(changed + fresh)

        let after = Self.checkEventJSON(store)
        #expect(after.filter { deleted.contains($0.id) }.isEmpty, "a deleted payment's events are gone")
        let deletedEvents = before.filter { deleted.contains($0.id) }.count
        #expect(after.count == before.count - deletedEvents + 30 + 10)
        #expect(Set(after).count == after.count)
        let changedEvents = store.eventPage(from: 0, until: Int64.max, after: nil, size: 1000).filter {
            $0.cursor.id == changed[0].id
        }
        #expect(!changedEvents.isEmpty)
        #expect(changedEvents.allSatisfy { String(decoding: $0.json, as: UTF8.self).contains("(changed)") })
    }

    @Test func cancellingMovesStatusChangedAtAndAddsAnEvent() throws {
        let store = Self.store(payments)
        let now = Self.base.adding(nanoseconds: 100_000_000_000)
        let updated = store.modify(id: "a") { SimulatorServer.cancel($0, full: false, cancellationId: "cx", at: now) }
        #expect(updated?.status == .partialCancelled)
        #expect(updated?.statusChangedAt == now)
        let events = store.eventPage(from: now.nanoseconds, until: now.nanoseconds + 1, after: nil, size: 10)
        #expect(events.count == 1 && events[0].ordinal == 1)
    }
}
