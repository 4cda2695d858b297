import Foundation
import ReconcilerCLI

// Synchronous on purpose: the tool blocks the signals it handles before any thread starts.
exit(CommandLineTool.main(Array(CommandLine.arguments.dropFirst())))
