import Foundation
import PortOneSimulator

FileHandle.standardError.write(Data("portone-simulator: not built yet\n".utf8))
exit(69)
