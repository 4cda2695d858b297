import LoopbackHTTP
import ReconcilerCore

/// The console on the network: the hardened loopback server (GET, HEAD and POST only; small
/// heads and bodies; slow clients cut off; no path tricks) on `console.listen`.
public final class ConsoleServer: Sendable {
    private let server: HTTPServer

    /// The bound port (0 on a Unix socket).
    public var port: Int { server.port }

    /// A server answering with `app` within `limits` (tests shorten the timeouts).
    public init(app: ConsoleApp, limits: HTTPServer.Limits = .service) {
        let parser = RequestParser(
            maxHeadBytes: 16 * 1024, maxBodyBytes: 64 * 1024, maxHeaderCount: 64, refusesPathTricks: true)
        server = HTTPServer(parser: parser, limits: limits) { request in app.respond(request) }
    }

    /// Starts listening on `listen`.
    public func start(_ listen: ConsoleSettings.Listen) throws {
        switch listen {
        case .loopback(let host, let port): try server.start(host: host, port: port)
        case .unixSocket(let path): try server.start(unixSocket: path)
        }
    }

    /// Stops listening and closes the open connections.
    public func stop() {
        server.stop()
    }
}
