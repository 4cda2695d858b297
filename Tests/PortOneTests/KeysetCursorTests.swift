import PortOne
import ReconcilerCore
import Testing
import WireFormat

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

    /// A page ending the slice: is it believed (false) or read again (true)?
    struct EndCase: Sendable, CustomTestStringConvertible {
        var name: String
        /// Full pages (last timestamps) the cursor saw before.
        var before: [Int64]
        var items: Int
        var totalCount: Int
        var suspicious: Bool
        var claimsMore: Bool
        var testDescription: String { name }
    }

    static let ends: [EndCase] = [
        EndCase(
            name: "a short first page whose totalCount agrees", before: [], items: 4, totalCount: 4, suspicious: false,
            claimsMore: false),
        EndCase(
            name: "an empty window", before: [], items: 0, totalCount: 0, suspicious: false, claimsMore: false),
        EndCase(
            name: "an empty first page while totalCount says 25 match", before: [], items: 0, totalCount: 25,
            suspicious: true, claimsMore: true),
        EndCase(
            name: "a short page while totalCount says more", before: [], items: 3, totalCount: 25, suspicious: true,
            claimsMore: true),
        EndCase(
            name: "an empty continuation page (it should repeat the last payment seen)", before: [7], items: 0,
            totalCount: 0, suspicious: true, claimsMore: false),
        EndCase(
            name: "a short continuation page, totalCount as the items returned", before: [7], items: 3,
            totalCount: 3, suspicious: false, claimsMore: false),
        EndCase(
            name: "page 1 of one timestamp: 10 + 4 reached, totalCount 14", before: [5, 5], items: 4,
            totalCount: 14, suspicious: false, claimsMore: false),
        EndCase(
            name: "page 1 of one timestamp: 10 + 4 reached, totalCount 30", before: [5, 5], items: 4,
            totalCount: 30, suspicious: true, claimsMore: true),
        EndCase(
            name: "a full page never ends the slice", before: [], items: 10, totalCount: 500, suspicious: false,
            claimsMore: true),
    ]

    @Test(arguments: ends)
    func aSliceEndingPageIsReadAgainWhenItLooksMissing(_ row: EndCase) throws {
        var cursor = KeysetCursor(from: Self.t(0), until: Self.t(100), pageSize: 10)
        for last in row.before { try cursor.advance(itemCount: 10, lastKey: Self.t(last)) }
        #expect(cursor.isSuspiciousEnd(itemCount: row.items, totalCount: row.totalCount) == row.suspicious)
        #expect(cursor.totalCountClaimsMore(itemCount: row.items, totalCount: row.totalCount) == row.claimsMore)
        #expect(cursor.start == Self.t(0))
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
