import Foundation

/// Peak resident memory of this process so far (`VmHWM`) and now (`VmRSS`), in KiB.
enum ProcessMemory {
    static func kibibytes(_ field: String) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return -1 }
        for line in status.split(separator: "\n") where line.hasPrefix(field + ":") {
            return Int(line.split(separator: " ").dropFirst().first { Int($0) != nil } ?? "") ?? -1
        }
        return -1
    }
}
