import PortOne
import ReconcilerCore
import Testing

@Suite struct KeysetCursorTests {
    static let t0 = RFC3339.Timestamp(secondsSinceEpoch: 1_790_000_000)
    static func t(_ seconds: Int64) -> RFC3339.Timestamp { t0.adding(nanoseconds: seconds * 1_000_000_000) }

    @Test func aShortPageFinishesTheSlice() throws {
        var cursor = KeysetCursor(from: Self.t(0), until: Self.t(100), pageSize: 10)
        try cursor.advance(itemCount: 9, lastKey: Self.t(50))
        #expect(cursor.isFinished)
    }

    @Test func aServerThatCapsThePageSizeDoesNotEndTheSliceEarly() throws {
        var cursor = KeysetCursor(from: Self.t(0), until: Self.t(100), pageSize: 1000)
        try cursor.advance(itemCount: 100, lastKey: Self.t(3), servedPageSize: 100)
        #expect(!cursor.isFinished)
        #expect(cursor.from == Self.t(3))
        try cursor.advance(itemCount: 99, lastKey: Self.t(4), servedPageSize: 100)
        #expect(cursor.isFinished)
    }

    @Test func anEmptyPageAlwaysEndsTheSlice() throws {
        var cursor = KeysetCursor(from: Self.t(0), until: Self.t(100), pageSize: 10)
        try cursor.advance(itemCount: 0, lastKey: nil, servedPageSize: 0)
        #expect(cursor.isFinished)
    }

    @Test func aFullPageMovesFromToItsLastTimestampAtPageZero() throws {
        var cursor = KeysetCursor(from: Self.t(0), until: Self.t(100), pageSize: 10)
        try cursor.advance(itemCount: 10, lastKey: Self.t(7))
        #expect(cursor.from == Self.t(7))
        #expect(cursor.pageNumber == 0)
        #expect(!cursor.isFinished)
    }

    @Test func aPageStuckOnOneTimestampTakesTheNextPageNumber() throws {
        var cursor = KeysetCursor(from: Self.t(0), until: Self.t(100), pageSize: 10)
        try cursor.advance(itemCount: 10, lastKey: Self.t(5))
        try cursor.advance(itemCount: 10, lastKey: Self.t(5))
        #expect(cursor.from == Self.t(5))
        #expect(cursor.pageNumber == 1)
        try cursor.advance(itemCount: 10, lastKey: nil)  // a page of undecodable items
        #expect(cursor.pageNumber == 2)
        try cursor.advance(itemCount: 10, lastKey: Self.t(6))
        #expect(cursor.from == Self.t(6))
        #expect(cursor.pageNumber == 0)
    }

    @Test func anOverlapStartsTheNextPageEarlierAndStillProgresses() throws {
        var cursor = KeysetCursor(from: Self.t(0), until: Self.t(100), pageSize: 10, overlap: .seconds(1))
        try cursor.advance(itemCount: 10, lastKey: Self.t(7))
        #expect(cursor.from == Self.t(6))
        #expect(cursor.pageNumber == 0)
        try cursor.advance(itemCount: 10, lastKey: Self.t(7))  // only rows within the overlap
        #expect(cursor.from == Self.t(6))
        #expect(cursor.pageNumber == 1)
        try cursor.advance(itemCount: 10, lastKey: Self.t(9))
        #expect(cursor.from == Self.t(8))
        #expect(cursor.pageNumber == 0)
    }

    @Test func refusesToPagePastSixtyThousandRows() throws {
        var cursor = KeysetCursor(from: Self.t(0), until: Self.t(100), pageSize: 30_000)
        try cursor.advance(itemCount: 30_000, lastKey: Self.t(0))
        #expect(throws: PortOneError.self) {
            try cursor.advance(itemCount: 30_000, lastKey: Self.t(0))
        }
    }

    @Test func anEmptyWindowIsFinishedAtOnce() {
        #expect(KeysetCursor(from: Self.t(5), until: Self.t(5), pageSize: 10).isFinished)
    }

    @Test(arguments: [1, 2, 3, 4, 7, 16])
    func slicesCoverTheWindowWithoutGapsOrOverlap(count: Int) {
        let from = Self.t(0).adding(nanoseconds: 123)
        let until = Self.t(86_400 * 30).adding(nanoseconds: 7)
        let slices = KeysetCursor.slices(from: from, until: until, count: count)
        #expect(slices.count == count)
        #expect(slices.first?.from == from)
        #expect(slices.last?.until == until)
        for (left, right) in zip(slices, slices.dropFirst()) {
            #expect(left.until == right.from)
            #expect(left.from < left.until)
        }
    }

    @Test func tinyWindowsAreNotSplitIntoEmptySlices() {
        let slices = KeysetCursor.slices(from: Self.t0, until: Self.t0.adding(nanoseconds: 3), count: 8)
        #expect(slices.count == 3)
        #expect(slices.allSatisfy { $0.from < $0.until })
    }
}
