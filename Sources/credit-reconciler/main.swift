import Foundation
import ReconcilerCLI
import ReconcilerEngine

ProcessMemory.limitArenas()
// Synchronous on purpose: the tool blocks the signals it handles before any thread starts.
exit(CommandLineTool.main(Array(CommandLine.arguments.dropFirst())))
