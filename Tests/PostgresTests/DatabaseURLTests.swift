import Postgres
import Testing

/// `DATABASE_URL` parsing and printing, without a server: malformed text is refused before any
/// connection, and the password never shows.
@Suite("Database URLs")
struct DatabaseURLTests {
    static let password = "Sup3r-Secret_pw"

    /// Every text an error could show.
    static func allText(_ error: PostgresError) -> String {
        [
            error.description, error.message, error.detail ?? "", error.hint ?? "", "\(error)",
            String(reflecting: error),
        ]
        .joined(separator: "\n")
    }

    @Test(
        "a malformed URL is refused before connecting, password redacted",
        arguments: [
            "postgresql://app:\(password)@[::1/db",
            "postgresql://app:\(password)%zz@127.0.0.1/db",
            "host=127.0.0.1 password=\(password) dbname",
            "postgresql://app:\(password)@127.0.0.1/db?nosuchoption=1",
            "host=127.0.0.1 password='\(password)' bogus_key=1",
        ])
    func malformed(text: String) throws {
        let error = #expect(throws: PostgresError.self) { try DatabaseURL(parsing: text) }
        #expect(error?.kind == .invalidURL)
        let shown = Self.allText(try #require(error))
        #expect(!shown.contains(Self.password))
        #expect(shown.contains("DATABASE_URL"))
    }

    @Test("a URL never shows its password when printed")
    func urlDescription() throws {
        let url = try DatabaseURL(parsing: "postgresql://app:\(Self.password)@db.internal:6432/ledger?sslmode=require")
        #expect(url.description == "postgresql://app@db.internal:6432/ledger")
        #expect(!String(reflecting: url).contains(Self.password))
        var dumped = ""
        dump(url, to: &dumped)
        #expect(!dumped.contains(Self.password))
        #expect(url["password"] == nil)
        #expect(url["sslmode"] == "require")
        #expect(url.hasPassword)
        let conninfo = try DatabaseURL(
            parsing: "host=127.0.0.1 port=5433 dbname=app user=rec password=\(Self.password)")
        #expect(conninfo.description == "postgresql://rec@127.0.0.1:5433/app")
    }
}
