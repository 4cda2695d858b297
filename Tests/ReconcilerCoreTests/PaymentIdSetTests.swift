import Testing

@testable import ReconcilerCore

/// `PaymentIdSet` answers like a `Set<String>` of the ids it was given (fingerprints instead of
/// strings): the scan's and the ledger window's duplicate filters rely on it.
@Suite struct PaymentIdSetTests {
    @Test(arguments: [
        ["pay_1", "pay_2", "pay_1"], ["결제-1", "결제-2", "결제-1", ""], ["a", "A", "a ", " a"],
        ["pay-\u{00E9}", "pay-e\u{0301}"],
    ])
    func answersLikeASetOfStrings(ids: [String]) {
        var set = PaymentIdSet()
        var reference = Set<String>()
        for id in ids {
            let inserted = set.insert(id)
            #expect(inserted == reference.insert(id).inserted, "\(id)")
        }
        #expect(set.count == reference.count)
        for id in ids + ["absent", "pay_3"] {
            #expect(set.contains(id) == reference.contains(id), "\(id)")
        }
    }

    @Test func aHundredThousandDistinctIdsStayDistinct() {
        var set = PaymentIdSet()
        var refused = 0
        for index in 0..<100_000 where !set.insert("pay_\(index)") { refused += 1 }
        #expect(refused == 0)
        #expect(set.count == 100_000)
        let again = set.insert("pay_99999")
        #expect(!again)
        #expect(!set.contains("pay_100000"))
    }

    /// Ids in every segment, inserted and looked up in different orders: the count and the
    /// answers do not depend on which segment an id falls in.
    @Test(arguments: [1, 255, 256, 257, 5_000])
    func everySegmentAnswersForItsIds(count: Int) {
        let ids = (0..<count).map { "결제_\($0 * 7_919)" }
        var set = PaymentIdSet()
        for id in ids.reversed() {
            let inserted = set.insert(id)
            #expect(inserted)
        }
        #expect(set.count == count)
        for id in ids {
            #expect(set.contains(id))
            let again = set.insert(id)
            #expect(!again)
            #expect(!set.contains(id + "x"))
        }
        #expect(set.count == count)
    }
}
