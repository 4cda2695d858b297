import Foundation
import ReconcilerCLI

exit(await CommandLineTool.main(Array(CommandLine.arguments.dropFirst())))
