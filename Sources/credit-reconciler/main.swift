import Foundation
import ReconcilerCLI

exit(CommandLineTool.main(Array(CommandLine.arguments.dropFirst())))
