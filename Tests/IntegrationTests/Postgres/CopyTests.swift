import Foundation
import LedgerStore
import Postgres
import TestSupport
import Testing
import WireFormat

/// Bulk loads through COPY FROM STDIN.
@Suite("COPY FROM STDIN")
struct CopyTests {
    @Test(
        "text-format escaping",
        arguments: [
            ("plain", "plain"), ("tab\there", #"tab\there"#), ("new\nline", #"new\nline"#),
            ("cr\rlf", #"cr\rlf"#), (#"back\slash"#, #"back\\slash"#), (#"\N"#, #"\\N"#), ("한글", "한글"),
        ])
    func escaping(raw: String, escaped: String) {
        #expect(CopyWriter.escape(raw) == escaped)
    }

    @Test("100,000 rows arrive complete and byte-identical")
    func hundredThousandRows() throws {
        try TestDatabase.withFresh(schema: .empty) { database in
            let connection = try database.connect()
            try connection.execute(
                "CREATE TABLE bulk (id bigint PRIMARY KEY, label text, amount bigint, at timestamptz, flag boolean)")
            let base = Date(timeIntervalSince1970: 1_795_532_400)
            let rowCount = 100_000
            func label(_ index: Int) -> String? {
                switch index % 7 {
                case 0: return nil
                case 1: return "크레딧 \(index)"
                case 2: return "tab\t\(index)"
                case 3: return "line\n\(index)\r"
                case 4: return #"back\slash\N "# + String(index)
                case 5: return ""
                default: return "row \(index)"
                }
            }
            var hasher = SHA256()
            let copied = try connection.copyIn(table: "bulk", columns: ["id", "label", "amount", "at", "flag"]) {
                (writer) throws(PostgresError) in
                for index in 0..<rowCount {
                    let amount = Int64(index) * 1_000_003 - 50_000_000_000
                    try writer.write(row: [
                        Int64(index), label(index), amount, base.addingTimeInterval(Double(index) / 1000),
                        index % 2 == 0,
                    ])
                    hasher.update("\(index)|\(label(index) ?? "<null>")|\(amount)|\(index % 2 == 0)\n".utf8)
                }
                #expect(writer.rowsWritten == rowCount)
            }
            #expect(copied == rowCount)
            let expected = hasher.finalize().map { String(format: "%02x", $0) }.joined()
            let row = try #require(
                try connection.queryFirst(
                    """
                    SELECT count(*) AS n,
                           encode(sha256(convert_to(string_agg(
                               id || '|' || coalesce(label, '<null>') || '|' || amount || '|' || flag || E'\\n', '' ORDER BY id), 'UTF8')), 'hex') AS digest,
                           max(at) AS last_at
                    FROM bulk
                    """))
            #expect(try row.decode("n", as: Int.self) == rowCount)
            #expect(try row.decode("digest", as: String.self) == expected)
            let lastAt: Date = try row.decode("last_at")
            #expect(abs(lastAt.timeIntervalSince(base.addingTimeInterval(99.999))) < 0.000_5)
        }
    }

    @Test("a failing row source aborts the COPY and leaves nothing")
    func abortedCopy() throws {
        struct SourceFailed: PostgresErrorRepresentable {
            init() {}
            init(_ error: PostgresError) {}
        }
        try TestDatabase.withFresh(schema: .empty) { database in
            let connection = try database.connect()
            try connection.execute("CREATE TABLE bulk (id bigint)")
            #expect(throws: SourceFailed.self) {
                try connection.copyIn(table: "bulk", columns: ["id"]) { (writer) throws(SourceFailed) in
                    for index in 0..<50_000 { try SourceFailed.wrapping(try writer.writeRow(Int64(index))) }
                    throw SourceFailed()
                }
            }
            #expect(try connection.queryFirst("SELECT count(*) AS n FROM bulk")?.decode("n", as: Int.self) == 0)
            #expect(connection.isConnected)
        }
    }

    @Test("bad data is reported by the server with its SQLSTATE and the connection stays usable")
    func badData() throws {
        try TestDatabase.withFresh(schema: .empty) { database in
            let connection = try database.connect()
            try connection.execute("CREATE TABLE bulk (id bigint)")
            let error = #expect(throws: PostgresError.self) {
                try connection.copyIn(table: "bulk", columns: ["id"]) { (writer) throws(PostgresError) in
                    try writer.write(copyText: Array("1\nnot-a-number\n".utf8))
                }
            }
            #expect(error?.sqlState == "22P02")
            #expect(try connection.queryFirst("SELECT 1 AS one")?.decode("one", as: Int.self) == 1)
        }
    }

    @Test(
        "a COPY started through execute is cancelled and the connection stays usable",
        arguments: ["FROM STDIN", "TO STDOUT"])
    func copyThroughExecute(direction: String) throws {
        try TestDatabase.withFresh(schema: .empty) { database in
            let connection = try database.connect()
            try connection.execute("CREATE TABLE bulk (id bigint)")
            try connection.execute("INSERT INTO bulk SELECT generate_series(1, 1000)")
            let error = #expect(throws: PostgresError.self) { try connection.execute("COPY bulk \(direction)") }
            #expect(error?.kind == .misuse)
            #expect(try connection.queryFirst("SELECT count(*) AS n FROM bulk")?.decode("n", as: Int.self) == 1000)
        }
    }
}
