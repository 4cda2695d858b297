import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The systemd side of sd_notify for tests: a bound datagram socket (abstract name) whose
/// address goes into the child's `NOTIFY_SOCKET`; receives whole messages.
final class NotifyListener {
    /// The `NOTIFY_SOCKET` value (`@name`).
    let address: String
    /// Every message received so far, in order.
    private(set) var messages: [String] = []
    private let fd: Int32

    init() throws {
        let name = "credit-reconciler-test-\(UUID().uuidString)"
        address = "@" + name
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw ListenerError(message: "socket() failed: errno \(errno)") }
        var storage = sockaddr_un()
        storage.sun_family = sa_family_t(AF_UNIX)
        let bytes = [UInt8(0)] + Array(name.utf8)
        withUnsafeMutableBytes(of: &storage.sun_path) { raw in
            for (index, byte) in bytes.enumerated() { raw[index] = byte }
        }
        let length = socklen_t(MemoryLayout.offset(of: \sockaddr_un.sun_path)! + bytes.count)
        let bound = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0 else {
            close(fd)
            throw ListenerError(message: "bind() failed: errno \(errno)")
        }
    }

    /// Waits for a message containing `needle` (received after the last one this returned),
    /// up to `seconds` (a hang guard); nil on timeout.
    func next(containing needle: String, seconds: Int = 60) -> String? {
        let deadline = Date().addingTimeInterval(TimeInterval(seconds))
        while Date() < deadline {
            var timeout = timeval(tv_sec: 1, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            var buffer = [UInt8](repeating: 0, count: 4096)
            let count = recv(fd, &buffer, buffer.count, 0)
            guard count > 0 else { continue }
            let message = String(decoding: buffer[0..<count], as: UTF8.self)
            messages.append(message)
            if message.contains(needle) { return message }
        }
        return nil
    }

    deinit { close(fd) }
}

struct ListenerError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
