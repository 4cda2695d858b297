import CCurl

/// One libcurl easy handle with its error buffer: what ``HTTPConnection`` and
/// ``SMTPConnection`` share (ownership, reset between transfers, option steps, the error text).
///
/// Not thread-safe: it belongs to the connection that owns it.
final class CurlEasy {
    /// The easy handle, for the `cr_curl_setopt_*` wrappers and `curl_easy_perform`.
    let handle: UnsafeMutableRawPointer
    private let errorBuffer: UnsafeMutablePointer<CChar>

    /// A new handle, or nil when libcurl cannot be initialised or cannot allocate one.
    init?() {
        guard CurlRuntime.isInitialized, let handle = curl_easy_init() else { return nil }
        self.handle = handle
        self.errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
    }

    deinit {
        curl_easy_cleanup(handle)
        errorBuffer.deallocate()
    }

    /// Clears every option of the previous transfer (libcurl's connection cache survives) and
    /// the last error, then points libcurl's error messages at the buffer again.
    func reset() -> CURLcode {
        curl_easy_reset(handle)
        errorBuffer[0] = 0
        return cr_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, UnsafeMutableRawPointer(errorBuffer))
    }

    /// Runs `steps` (option settings) in order and returns the first failure, or `CURLE_OK`.
    static func apply(_ steps: [() -> CURLcode]) -> CURLcode {
        for step in steps {
            let code = step()
            if code != CURLE_OK { return code }
        }
        return CURLE_OK
    }

    /// What went wrong in the last transfer: libcurl's own message when it wrote one, else the
    /// text of `code`.
    func detail(_ code: CURLcode) -> String {
        if errorBuffer[0] != 0 { return String(cString: errorBuffer) }
        if let text = curl_easy_strerror(code) { return String(cString: text) }
        return "error \(code.rawValue)"
    }

    /// `duration` in whole milliseconds, at least 1 (libcurl reads 0 as "no limit").
    static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return max(1, Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000))
    }
}
