#ifndef CREDIT_RECONCILER_CPROCESSCONTROL_SHIM_H
#define CREDIT_RECONCILER_CPROCESSCONTROL_SHIM_H

// prctl(2) is variadic, which Swift cannot call, and <sys/prctl.h> is not part of the Glibc
// module: this typed wrapper is the only way ReconcilerCLI reaches it.

#include <sys/prctl.h>

/// Sets the calling process's "dumpable" attribute (PR_SET_DUMPABLE): 0 means no core dump and
/// no ptrace or /proc/<pid>/mem access by other processes of the same user. Returns 0 or -1
/// (errno set).
static inline int cr_set_dumpable(int dumpable) {
    return prctl(PR_SET_DUMPABLE, (unsigned long)dumpable, 0UL, 0UL, 0UL);
}

/// The calling process's "dumpable" attribute (PR_GET_DUMPABLE): 0, 1 or 2, or -1 (errno set).
static inline int cr_get_dumpable(void) {
    return prctl(PR_GET_DUMPABLE, 0UL, 0UL, 0UL, 0UL);
}

#endif
