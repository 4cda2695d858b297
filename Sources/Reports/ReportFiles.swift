import Foundation

/// Writes a run's report files into the report directory: the folder is created 0750, each
/// file is written whole to a temporary name and renamed into place with mode 0640, so a
/// reader never sees half a report and other users of the machine see none.
public enum ReportFiles {
    /// Why a report could not be written.
    public struct WriteError: Error, CustomStringConvertible {
        /// What failed and what to check.
        public var description: String
    }

    /// Writes `files` (name → content) into `directory`; returns the paths written.
    @discardableResult
    public static func write(_ files: [(name: String, content: String)], into directory: String) throws(WriteError)
        -> [String]
    {
        let manager = FileManager.default
        do {
            try manager.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o750])
        } catch {
            throw WriteError(
                description:
                    "cannot create the report directory \(directory): check reports.directory and that this user may write there"
            )
        }
        var written: [String] = []
        for file in files {
            let path = (directory as NSString).appendingPathComponent(file.name)
            let temporary = (directory as NSString).appendingPathComponent(".\(file.name).\(UUID().uuidString).tmp")
            guard
                manager.createFile(
                    atPath: temporary, contents: Data(file.content.utf8), attributes: [.posixPermissions: 0o640])
            else {
                throw WriteError(
                    description: "cannot write \(temporary): check the free space and permissions of \(directory)")
            }
            if rename(temporary, path) != 0 {
                try? manager.removeItem(atPath: temporary)
                throw WriteError(
                    description: "cannot move the report into place at \(path): check the permissions of \(directory)")
            }
            written.append(path)
        }
        return written
    }
}
