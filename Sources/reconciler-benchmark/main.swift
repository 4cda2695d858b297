import Foundation

// reconciler-benchmark: one reconciliation, measured (driven by scripts/benchmark).
let code = await BenchmarkCommand.main(Array(CommandLine.arguments.dropFirst()))
exit(code)
