import Foundation
import Postgres
import TestSupport
import Testing

/// Values bound as parameters come back unchanged, through the server's own types.
@Suite("Parameter round-trips")
struct ParameterRoundTripTests {
    static let strings: [String] = [
        "", "plain", "스타터 크레딧 100개 충전", "it's \"quoted\"", #"back\slash \\ and \N"#, "tab\there",
        "line\nbreak\r\nwindows", "emoji 🎨 and ümlaut", String(repeating: "긴", count: 10_000),
    ]

    @Test("text round-trips", arguments: strings)
    func text(value: String) throws {
        try TestDatabase.withFresh(schema: .empty) { database in
            let connection = try database.connect()
            let row = try #require(try connection.queryFirst("SELECT $1::text AS v, length($1::text) AS n", [value]))
            #expect(try row.decode("v", as: String.self) == value)
            #expect(try row.decode("n", as: Int.self) == value.unicodeScalars.count)
        }
    }

    @Test("integers keep their extremes")
    func integers() throws {
        try TestDatabase.withFresh(schema: .empty) { database in
            let connection = try database.connect()
            for value in [Int64.max, Int64.min, 0, -1, 1] {
                let row = try #require(try connection.queryFirst("SELECT $1::bigint AS v", [value]))
                #expect(try row.decode("v", as: Int64.self) == value)
            }
            for value in [Int32.max, Int32.min] {
                let row = try #require(try connection.queryFirst("SELECT $1::integer AS v", [value]))
                #expect(try row.decode("v", as: Int32.self) == value)
            }
            let sum = try #require(
                try connection.queryFirst("SELECT sum(x)::numeric AS v FROM (VALUES (1::bigint), (2)) t(x)"))
            #expect(try sum.decode("v", as: Int64.self) == 3)
            let tooBig = try #require(try connection.queryFirst("SELECT $1::bigint AS v", [Int64.max]))
            #expect(throws: PostgresError.self) { try tooBig.decode("v", as: Int32.self) }
        }
    }

    @Test("bool, NULL as optional, and NULL refused for non-optional")
    func boolAndNull() throws {
        try TestDatabase.withFresh(schema: .empty) { database in
            let connection = try database.connect()
            let row = try #require(
                try connection.queryFirst(
                    "SELECT $1::boolean AS t, $2::boolean AS f, $3::text AS n, $4::bigint AS ni, $5::timestamptz AS nd",
                    [true, false, String?.none, Int64?.none, Date?.none]))
            #expect(try row.decode("t", as: Bool.self) == true)
            #expect(try row.decode("f", as: Bool.self) == false)
            #expect(try row.decode("n", as: String?.self) == nil)
            #expect(try row.decode("ni", as: Int64?.self) == nil)
            #expect(try row.decode("nd", as: Date?.self) == nil)
            #expect(row.isNull("n"))
            let error = #expect(throws: PostgresError.self) { try row.decode("n", as: String.self) }
            #expect(error?.kind == .decoding)
            #expect(error?.message.contains("\"n\"") == true)
        }
    }

    @Test("timestamps keep milliseconds, as timestamp(3) and timestamptz")
    func timestamps() throws {
        try TestDatabase.withFresh(schema: .empty) { database in
            let connection = try database.connect()
            let instants = [
                Date(timeIntervalSince1970: 1_764_119_644.123), Date(timeIntervalSince1970: 0.001),
                Date(timeIntervalSince1970: -86_400.5), Date(timeIntervalSince1970: 4_102_444_799.999),
            ]
            for instant in instants {
                let row = try #require(
                    try connection.queryFirst(
                        "SELECT $1::timestamp(3) AS plain, $1::timestamptz AS zoned, extract(epoch FROM $1::timestamptz)::text AS epoch",
                        [instant]))
                let plain: Date = try row.decode("plain")
                let zoned: Date = try row.decode("zoned")
                #expect(abs(plain.timeIntervalSince(instant)) < 0.000_5)
                #expect(abs(zoned.timeIntervalSince(instant)) < 0.000_5)
                #expect(
                    abs((Double(try row.decode("epoch", as: String.self)) ?? .nan) - instant.timeIntervalSince1970)
                        < 0.000_5)
            }
        }
    }

    @Test("timestamp without time zone reads as UTC")
    func timestampIsUTC() throws {
        try TestDatabase.withFresh(schema: .empty) { database in
            let connection = try database.connect()
            let row = try #require(try connection.queryFirst("SELECT '2026-11-24 15:00:00.250'::timestamp(3) AS v"))
            #expect(try row.decode("v", as: Date.self) == Date(timeIntervalSince1970: 1_795_532_400.25))
        }
    }

    @Test("jsonb as raw text, as bytes, and decoded")
    func jsonb() throws {
        struct Payload: Codable, Equatable {
            var paymentId: String
            var credits: Int64
            var note: String?
        }
        try TestDatabase.withFresh(schema: .empty) { database in
            let connection = try database.connect()
            let payload = Payload(paymentId: "pay_한글_\"q\"", credits: 1300, note: nil)
            let row = try #require(
                try connection.queryFirst(
                    "SELECT $1::jsonb AS doc, $2::jsonb AS raw, $3::jsonb AS missing",
                    [
                        try JSONParameter(encoding: payload), JSONParameter(rawJSON: #"{"b": [1, 2], "a": "\t"}"#),
                        String?.none,
                    ]))
            #expect(try row.decodeJSON("doc", as: Payload.self) == payload)
            #expect(try row.decodeJSON("missing", as: Payload.self) == nil)
            #expect(try row.decode("raw", as: String.self) == #"{"a": "\t", "b": [1, 2]}"#)
            let bytes: Data = try row.decode("raw")
            #expect(try JSONSerialization.jsonObject(with: bytes) is [String: Any])
        }
    }

    @Test("bytea round-trips every byte value")
    func bytea() throws {
        try TestDatabase.withFresh(schema: .empty) { database in
            let connection = try database.connect()
            let data = Data((0...255).map { UInt8($0) })
            let row = try #require(try connection.queryFirst("SELECT $1::bytea AS v", [data]))
            #expect(try row.decode("v", as: Data.self) == data)
        }
    }

    @Test("the app's tables store and return what was written")
    func appRow() throws {
        try TestDatabase.withFresh(schema: .app) { database in
            let connection = try database.connect()
            try AppSchema.insertUser(connection, id: "user_1", name: "김철수 'Kim'", balance: 100)
            let result = try connection.execute(
                #"UPDATE "Credit" SET balance = balance + $1, "updatedAt" = $2 WHERE "userId" = $3"#,
                [Int64(330), Date(), "user_1"])
            #expect(result.affectedRows == 1)
            #expect(result.commandTag == "UPDATE 1")
            let row = try #require(
                try connection.queryFirst(
                    #"SELECT u.name, c.balance FROM "User" u JOIN "Credit" c ON c."userId" = u.id"#))
            #expect(try row.decode("name", as: String?.self) == "김철수 'Kim'")
            #expect(try row.decode("balance", as: Int64.self) == 430)
        }
    }
}
