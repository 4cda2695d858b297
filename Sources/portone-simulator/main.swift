// portone-simulator: a thin executable over the PortOneSimulator module.
import Foundation
import PortOneSimulator

exit(
    SimulatorMain.run(
        arguments: Array(CommandLine.arguments.dropFirst()), environment: ProcessInfo.processInfo.environment))
