import Dispatch
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Delivers process signals as ordinary events: the signals are blocked in every thread (call
/// ``block(_:)`` before any thread starts, so no thread inherits them unblocked) and read by
/// Dispatch signal sources, whose handlers run on a private queue and may do anything: nothing
/// runs in an asynchronous signal handler.
final class SignalWatcher {
    private let sources: [any DispatchSourceSignal]

    /// Blocks `signals` in the calling thread; threads started afterwards inherit the mask.
    static func block(_ signals: [Int32]) {
        var set = sigset_t()
        sigemptyset(&set)
        for number in signals { sigaddset(&set, number) }
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }

    /// Starts watching `signals`; `handler` receives each one's number, on a serial queue.
    init(_ signals: [Int32], handler: @escaping @Sendable (Int32) -> Void) {
        let queue = DispatchQueue(label: "credit-reconciler.signals")
        sources = signals.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { handler(number) }
            source.resume()
            return source
        }
    }

    /// Stops watching.
    func cancel() {
        for source in sources { source.cancel() }
    }

    /// The conventional name of a signal for log lines.
    static func name(_ number: Int32) -> String {
        switch number {
        case SIGTERM: "SIGTERM"
        case SIGINT: "SIGINT"
        case SIGHUP: "SIGHUP"
        case SIGUSR1: "SIGUSR1"
        default: "signal \(number)"
        }
    }
}
