import Foundation
import ReconcilerCLI

// Synchronous on purpose: the tool blocks the signals it handles before any thread starts.
let status = CommandLineTool.main(Array(CommandLine.arguments.dropFirst()))
// Everything is written and recorded by now. `_exit`, not `exit`: the C libraries' exit-time
// cleanup (OpenSSL, libcurl) must not race HTTP worker threads still releasing their handles,
// which could abort a finished run with "double free or corruption".
fflush(nil)
_exit(status)
