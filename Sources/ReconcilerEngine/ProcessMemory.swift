#if canImport(Glibc)
    import Glibc
#endif

/// How the process uses the C heap. A run decodes PortOne pages on many HTTP worker threads, and
/// glibc gives each thread its own heap arena that keeps what it freed: with 16+ arenas a long
/// run's resident memory grows with the pages it has seen, not with what it holds.
///
/// `<malloc.h>` is not part of Swift's Glibc module, so its two calls are looked up by name.
public enum ProcessMemory {
    /// glibc's `M_ARENA_MAX` and `M_MMAP_THRESHOLD` (`<malloc.h>`).
    private static let arenaMaxParameter: Int32 = -8
    private static let mmapThresholdParameter: Int32 = -3

    /// Limits the heap to two arenas (one per core of the machine the product targets) and
    /// serves every block of 256 KiB or more (page bodies, batches of ids) straight from the
    /// system, so it goes back when freed instead of leaving holes between the run's long-lived
    /// small objects (glibc otherwise raises that threshold after the first large block is
    /// freed). Call it first thing in `main`, before any thread starts.
    public static func limitArenas() {
        #if canImport(Glibc)
            typealias MallOpt = @convention(c) (Int32, Int32) -> Int32
            guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
            let mallopt = unsafeBitCast(symbol, to: MallOpt.self)
            _ = mallopt(arenaMaxParameter, 2)
            _ = mallopt(mmapThresholdParameter, 256 * 1024)
        #endif
    }

    /// Gives the memory freed so far back to the system (after the scan, after the report).
    public static func releaseFreed() {
        #if canImport(Glibc)
            typealias MallocTrim = @convention(c) (Int) -> Int32
            guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return }
            _ = unsafeBitCast(symbol, to: MallocTrim.self)(0)
        #endif
    }
}
