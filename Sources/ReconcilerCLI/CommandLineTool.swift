import Foundation
import ReconcilerCore

/// The `credit-reconciler` command line: parses arguments and runs one command.
public enum CommandLineTool {
    /// Runs the tool with `arguments` (without the program name) and returns the exit status.
    public static func main(_ arguments: [String]) -> Int32 {
        if arguments == ["--version"] {
            print("\(ProductVersion.name) \(ProductVersion.version)")
            return 0
        }
        FileHandle.standardError.write(Data("credit-reconciler: commands are not built yet\n".utf8))
        return 64
    }
}
