import Foundation

/// An async HTTP client over libcurl: a fixed set of worker threads, each owning one
/// ``HTTPConnection`` (one easy handle, one kept-alive connection), fed from one FIFO queue.
///
/// libcurl's easy interface blocks, so requests run on these dedicated threads and never on
/// Swift's cooperative pool. `send` suspends until a worker has the complete response.
public final class HTTPClient: Sendable {
    /// The settings every worker uses.
    public let configuration: HTTPClientConfiguration
    private let pool: WorkerPool

    /// Starts `configuration.maximumConcurrentRequests` worker threads.
    public init(configuration: HTTPClientConfiguration) {
        self.configuration = configuration
        self.pool = WorkerPool(configuration: configuration)
    }

    deinit {
        pool.close()
    }

    /// Sends a request and returns the complete response, whatever its status.
    ///
    /// Throws only when no complete response arrived (see ``HTTPTransportError``). A request
    /// already handed to libcurl is not interrupted by task cancellation; the total timeout
    /// bounds it.
    public func send(_ request: HTTPRequest) async throws(HTTPTransportError) -> HTTPResponse {
        _ = try HTTPURLPolicy.check(request.url)
        let result = await withCheckedContinuation { continuation in
            pool.enqueue(WorkerPool.Job(request: request, continuation: continuation))
        }
        return try result.get()
    }
}

/// The queue and threads behind ``HTTPClient``.
///
/// `@unchecked Sendable`: every mutable field is touched only while `condition` is locked.
final class WorkerPool: @unchecked Sendable {
    /// One queued request and the continuation its caller awaits.
    struct Job {
        /// The request to send.
        let request: HTTPRequest
        /// Resumed exactly once with the outcome.
        let continuation: CheckedContinuation<Result<HTTPResponse, HTTPTransportError>, Never>
    }

    private let condition = NSCondition()
    private var jobs: [Job] = []
    private var head = 0
    private var closed = false
    private let configuration: HTTPClientConfiguration

    /// Starts the worker threads.
    init(configuration: HTTPClientConfiguration) {
        self.configuration = configuration
        for index in 0..<configuration.maximumConcurrentRequests {
            let thread = Thread { [self] in self.work() }
            thread.name = "http-worker-\(index)"
            thread.start()
        }
    }

    /// Queues a job (or fails it at once when the pool is closed).
    func enqueue(_ job: Job) {
        condition.lock()
        if closed {
            condition.unlock()
            job.continuation.resume(
                returning: .failure(.other(host: "-", code: -1, detail: "the HTTP client was shut down")))
            return
        }
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Lets the workers finish the queue and exit; later jobs fail.
    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    private func next() -> Job? {
        condition.lock()
        defer { condition.unlock() }
        while head == jobs.count && !closed {
            condition.wait()
        }
        guard head < jobs.count else { return nil }
        let job = jobs[head]
        head += 1
        if head > 64 && head * 2 > jobs.count {
            jobs.removeFirst(head)
            head = 0
        }
        return job
    }

    private func work() {
        var connection: HTTPConnection?
        while let job = next() {
            let result: Result<HTTPResponse, HTTPTransportError>
            do throws(HTTPTransportError) {
                if connection == nil {
                    connection = try HTTPConnection(configuration: configuration)
                }
                result = .success(try connection!.perform(job.request))
            } catch {
                result = .failure(error)
            }
            job.continuation.resume(returning: result)
        }
    }
}
