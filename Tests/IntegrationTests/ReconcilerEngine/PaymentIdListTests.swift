import Testing

@testable import ReconcilerEngine

/// The journal walk's packed list of payment ids gives back what was added, in order, repeats
/// kept, across chunks and after lists are joined.
@Suite struct PaymentIdListTests {
    static func ids(_ list: PaymentIdList) -> [String] {
        Array(list)
    }

    @Test(arguments: [0, 1, 2, 30_000, 60_000])
    func givesBackWhatWasAddedInOrder(count: Int) {
        // 40-byte ids: 60,000 of them fill more than two chunks of a mebibyte.
        let added = (0..<count).map {
            "pay-\(String($0 % 7_919, radix: 16))-" + String(repeating: "x", count: 30) + "결"
        }
        var list = PaymentIdList()
        for id in added { list.append(id) }
        #expect(list.count == count)
        #expect(Self.ids(list) == added)
    }

    @Test func joinsListsAndKeepsLongAndEmptyIds() {
        let long = String(repeating: "p", count: 1 << 21)
        var first = PaymentIdList()
        first.append("a")
        first.append(long)
        var second = PaymentIdList()
        second.append("b")
        second.append("")
        second.append("a")
        first.append(contentsOf: second)
        #expect(first.count == 5)
        #expect(Self.ids(first) == ["a", long, "b", "", "a"])
    }
}
