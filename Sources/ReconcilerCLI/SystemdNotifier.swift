import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Sends sd_notify messages (`READY=1`, `STATUS=…`, `WATCHDOG=1`, `STOPPING=1`) to the
/// datagram socket systemd names in `$NOTIFY_SOCKET`, without libsystemd. A path starting with
/// `@` is an abstract socket name. Without `$NOTIFY_SOCKET` every call does nothing.
struct SystemdNotifier: Sendable {
    /// The socket address bytes (`sun_path`), nil when not under systemd.
    let address: [UInt8]?
    /// Half the watchdog timeout: how often to send `WATCHDOG=1`; nil when no watchdog is set.
    let watchdogInterval: Duration?

    /// Reads `NOTIFY_SOCKET`, `WATCHDOG_USEC` and `WATCHDOG_PID` from `environment`.
    init(environment: [String: String], pid: Int32 = getpid()) {
        address = environment["NOTIFY_SOCKET"].flatMap(Self.socketAddress)
        watchdogInterval = Self.watchdogInterval(
            usec: environment["WATCHDOG_USEC"], watchdogPID: environment["WATCHDOG_PID"], pid: pid)
    }

    /// The `sun_path` bytes for `path`: an abstract name (`@name`) starts with a NUL byte and
    /// has no terminator; a file path is NUL-terminated. Nil when empty or too long.
    static func socketAddress(_ path: String) -> [UInt8]? {
        guard !path.isEmpty else { return nil }
        var bytes = Array(path.utf8)
        if bytes[0] == UInt8(ascii: "@") {
            bytes[0] = 0
        } else {
            guard bytes[0] == UInt8(ascii: "/") else { return nil }
            bytes.append(0)
        }
        let capacity = MemoryLayout.size(ofValue: sockaddr_un().sun_path)
        return bytes.count <= capacity ? bytes : nil
    }

    /// Half of `WATCHDOG_USEC`, when it is set and meant for this process.
    static func watchdogInterval(usec: String?, watchdogPID: String?, pid: Int32) -> Duration? {
        guard let usec, let micros = Int64(usec), micros > 0 else { return nil }
        if let watchdogPID, let target = Int32(watchdogPID), target != pid { return nil }
        return .microseconds(micros / 2)
    }

    /// Whether messages go anywhere.
    var isActive: Bool { address != nil }

    /// Sends `message` (lines `KEY=value`) as one datagram; returns false when it could not be sent.
    ///
    /// Never waits: when the supervisor does not read its socket and the queue is full, the
    /// message is dropped. The daemon's loop (its runs, its follow ticks, its signals) must not
    /// stall on a status line; the next `STATUS=` says the same with newer figures.
    @discardableResult
    func send(_ message: String) -> Bool {
        guard let address else { return false }
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var storage = sockaddr_un()
        storage.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &storage.sun_path) { raw in
            for (index, byte) in address.enumerated() { raw[index] = byte }
        }
        let length = socklen_t(MemoryLayout.offset(of: \sockaddr_un.sun_path)! + address.count)
        let payload = Array(message.utf8)
        let sent = withUnsafePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                sendto(fd, payload, payload.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT), socketAddress, length)
            }
        }
        return sent == payload.count
    }
}
