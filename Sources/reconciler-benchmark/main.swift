import Foundation
import ReconcilerEngine

// reconciler-benchmark: one reconciliation, measured (driven by scripts/benchmark).
ProcessMemory.limitArenas()
let code = await BenchmarkCommand.main(Array(CommandLine.arguments.dropFirst()))
exit(code)
