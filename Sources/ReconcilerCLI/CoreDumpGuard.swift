import CProcessControl

#if canImport(Glibc)
    import Glibc
#endif

/// Keeps the process's memory out of core dumps and out of other processes' reach: the tool
/// holds `PORTONE_API_SECRET` and the database password in memory, and a core file (or a
/// debugger attached by another process of the same user) would carry them to wherever cores
/// end up.
enum CoreDumpGuard {
    /// Sets the core file size limit to 0 (soft and hard, so nothing the process starts raises
    /// it again) and marks the process not dumpable (`PR_SET_DUMPABLE` 0: no core even through
    /// a `core_pattern` pipe, which ignores the size limit, and no `ptrace` or
    /// `/proc/<pid>/mem` by other processes of the same user).
    ///
    /// Call it first, before any secret is read. The results are not checked: lowering one's
    /// own limits cannot fail, and the tool must run even where it somehow would. Glibc sets
    /// the limit through `prlimit64`, which the units' `SystemCallFilter=~@resources` allows
    /// (it denies only the old `setrlimit` call). A cost: a crash backtrace printed by the Swift
    /// runtime for a non-root process shows addresses without symbol names, since its helper
    /// may no longer read the process's memory maps.
    static func engage() {
        var none = rlimit(rlim_cur: 0, rlim_max: 0)
        _ = setrlimit(__rlimit_resource_t(RLIMIT_CORE.rawValue), &none)
        _ = cr_set_dumpable(0)
    }
}
