import WireFormat

/// What the HTML and Markdown pages show of a report's long lists: how many entries each list
/// has and its first ones, the kinds of its discrepancies, and ``ReportWhy``. Built in one pass
/// over the entries, so a report with a million of them is rendered without holding them.
struct ReportDigest {
    /// One list: its length and its first entries.
    struct List {
        /// Entries in the list.
        var count = 0
        /// The first `limit` of them, in order.
        var first: [JSONValue] = []
    }

    /// How many entries of each list are kept.
    let limit: Int
    /// The repairs applied.
    var fixes = List()
    /// The repairs planned.
    var planned = List()
    /// The discrepancies, most severe first, then by kind and id.
    var discrepancies = List()
    /// The kinds of every discrepancy.
    var kinds: Set<String> = []
    /// The repairs' causes and origins.
    private var tally = ReportWhy.Tally()

    /// The totals of the repairs' causes and origins.
    var why: ReportWhy { tally.why }

    /// An empty digest keeping the first `limit` entries of each list; add every fix, then
    /// every planned fix, then the discrepancies in their sorted order.
    init(limit: Int) {
        self.limit = limit
    }

    /// The digest of `document`'s lists.
    init(_ document: JSONValue, limit: Int) {
        self.init(limit: limit)
        for fix in document["fixes"].arrayValue { add(fix: fix) }
        for planned in document["plannedFixes"].arrayValue { add(planned: planned) }
        for entry in ReportRows.sortedDiscrepancies(document) { add(discrepancy: entry) }
    }

    /// Adds the next fix.
    mutating func add(fix: JSONValue) {
        tally.repair(fix, applied: true)
        Self.append(fix, to: &fixes, limit: limit)
    }

    /// Adds the next planned fix.
    mutating func add(planned entry: JSONValue) {
        tally.repair(entry, applied: false)
        Self.append(entry, to: &planned, limit: limit)
    }

    /// Adds the next discrepancy (in sorted order).
    mutating func add(discrepancy entry: JSONValue) {
        tally.discrepancy(entry)
        if let kind = entry["kind"].stringValue { kinds.insert(kind) }
        Self.append(entry, to: &discrepancies, limit: limit)
    }

    private static func append(_ entry: JSONValue, to list: inout List, limit: Int) {
        list.count += 1
        if list.first.count < limit { list.first.append(entry) }
    }
}
