import Foundation
import Postgres
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Connection failures say what is wrong and what to check, and never show the password.
@Suite("Connection errors")
struct ConnectionErrorTests {
    static let password = "Sup3r-Secret_pw"

    /// Every text an error could show.
    static func allText(_ error: any Error) -> String {
        if let error = error as? PostgresError {
            return [
                error.description, error.message, error.detail ?? "", error.hint ?? "", "\(error)",
                String(reflecting: error),
            ]
            .joined(separator: "\n")
        }
        return "\(error)\n\(String(reflecting: error))"
    }

    @Test("a wrong password is an authentication error without the password")
    func wrongPassword() throws {
        let admin = try TestEnvironment.adminDatabaseURL()
        let url = admin.replacing(user: admin.user ?? "postgres", password: Self.password)
        let error = #expect(throws: PostgresError.self) { try Connection(url: url) }
        #expect(error?.kind == .authenticationFailed)
        #expect(error?.isConfigurationError == true)
        let text = try Self.allText(#require(error))
        #expect(!text.contains(Self.password))
        #expect(text.contains(admin.endpoint))
        #expect(text.contains("password"))
    }

    @Test("a refused port names host:port and says to check the server is running")
    func refusedPort() throws {
        let admin = try TestEnvironment.adminDatabaseURL()
        let port = try FreePort.reserveAndRelease()
        let url = admin.setting("port", to: String(port)).replacing(user: "postgres", password: Self.password)
        let error = #expect(throws: PostgresError.self) { try Connection(url: url) }
        #expect(error?.kind == .connectionRefused)
        #expect(error?.isUnavailable == true)
        let text = try Self.allText(#require(error))
        #expect(text.contains("\(admin.host ?? ""):\(port)"))
        #expect(text.contains("running"))
        #expect(!text.contains(Self.password))
    }

    @Test("a missing database is named")
    func missingDatabase() throws {
        let admin = try TestEnvironment.adminDatabaseURL()
        let error = #expect(throws: PostgresError.self) {
            try Connection(url: admin.replacing(database: "no_such_database_here"))
        }
        #expect(error?.kind == .databaseMissing)
        let text = try Self.allText(#require(error))
        #expect(text.contains("\"no_such_database_here\" does not exist"))
        #expect(text.contains("DATABASE_URL"))
    }

    @Test("a server that never answers times out with a clear message")
    func connectTimeout() throws {
        let listener = try SilentListener()
        defer { listener.close() }
        let url = try DatabaseURL(
            parsing: "postgresql://app:\(Self.password)@127.0.0.1:\(listener.port)/app?sslmode=disable")
        let error = #expect(throws: PostgresError.self) {
            try Connection(url: url, configuration: ConnectionConfiguration(connectTimeout: .seconds(2)))
        }
        #expect(error?.kind == .connectTimeout)
        #expect(error?.isUnavailable == true)
        let text = try Self.allText(#require(error))
        #expect(text.contains("127.0.0.1:\(listener.port)"))
        #expect(!text.contains(Self.password))
    }
}

/// A loopback port nobody listens on (reserved by binding, then released).
enum FreePort {
    static func reserveAndRelease() throws -> UInt16 {
        let listener = try SilentListener()
        let port = listener.port
        listener.close()
        return port
    }
}

/// A TCP listener on 127.0.0.1 that never accepts: connections complete in the kernel and
/// then hear nothing, as with a hung server.
final class SilentListener {
    let descriptor: Int32
    let port: UInt16

    struct SocketError: Error, CustomStringConvertible {
        var description: String
    }

    init() throws {
        #if canImport(Glibc)
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            let descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { throw SocketError(description: "socket() failed") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(descriptor, 4) == 0 else {
            Glibc.close(descriptor)
            throw SocketError(description: "bind/listen on 127.0.0.1 failed")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        self.descriptor = descriptor
        self.port = UInt16(bigEndian: address.sin_port)
    }

    func close() {
        Glibc.close(descriptor)
    }
}
