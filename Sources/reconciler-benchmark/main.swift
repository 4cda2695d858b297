import Foundation
import ReconcilerEngine

// reconciler-benchmark: one reconciliation, measured (driven by scripts/benchmark).
ProcessMemory.limitArenas()
let code = await BenchmarkCommand.main(Array(CommandLine.arguments.dropFirst()))
// As credit-reconciler: no exit-time cleanup racing the HTTP worker threads.
fflush(nil)
_exit(code)
