import Foundation

#if canImport(Glibc)
    import Glibc
#endif

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

    /// Writes each file's text as its `write` hands it over, piece by piece (a report with a
    /// million entries is never one string), to a temporary name renamed into place like
    /// ``write(_:into:)``; returns the paths written.
    @discardableResult
    public static func write(
        streamed files: [(name: String, write: (_ emit: (String) throws -> Void) throws -> Void)],
        into directory: String
    ) throws(WriteError) -> [String] {
        do {
            try FileManager.default.createDirectory(
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
            let cannotWrite = WriteError(
                description: "cannot write \(temporary): check the free space and permissions of \(directory)")
            let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o640)
            guard descriptor >= 0 else { throw cannotWrite }
            var failure: WriteError? = fchmod(descriptor, 0o640) != 0 ? cannotWrite : nil
            if failure == nil {
                do {
                    try file.write { text in
                        var text = text
                        try text.withUTF8 { bytes in
                            var offset = 0
                            while offset < bytes.count {
                                let count = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                                if count < 0 && errno == EINTR { continue }
                                guard count > 0 else { throw cannotWrite }
                                offset += count
                            }
                        }
                    }
                } catch let error as WriteError {
                    failure = error
                } catch {
                    failure = WriteError(description: "the report's entries could not be read for \(path): \(error)")
                }
            }
            if close(descriptor) != 0, failure == nil { failure = cannotWrite }
            if let failure {
                unlink(temporary)
                throw failure
            }
            if rename(temporary, path) != 0 {
                unlink(temporary)
                throw WriteError(
                    description: "cannot move the report into place at \(path): check the permissions of \(directory)")
            }
            written.append(path)
        }
        return written
    }
}
