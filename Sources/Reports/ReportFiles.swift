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
        var written: [String] = []
        for file in files {
            written += try write(streamed: [file.name], into: directory) { emitters in try file.write(emitters[0]) }
        }
        return written
    }

    /// Writes the files `names` at once: `write` gets one emitter per file, in order, and hands
    /// each its text piece by piece; every file goes to a temporary name and, once `write`
    /// returns, is renamed into place like ``write(_:into:)``. Returns the paths written.
    @discardableResult
    public static func write(
        streamed names: [String], into directory: String,
        _ write: (_ emitters: [(String) throws -> Void]) throws -> Void
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
        var files: [(path: String, temporary: String, descriptor: Int32)] = []
        func discard() {
            for file in files {
                close(file.descriptor)
                unlink(file.temporary)
            }
        }
        for name in names {
            let path = (directory as NSString).appendingPathComponent(name)
            let temporary = (directory as NSString).appendingPathComponent(".\(name).\(UUID().uuidString).tmp")
            let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o640)
            guard descriptor >= 0 else {
                discard()
                throw WriteError(
                    description: "cannot write \(temporary): check the free space and permissions of \(directory)")
            }
            files.append((path, temporary, descriptor))
            guard fchmod(descriptor, 0o640) == 0 else {
                discard()
                throw WriteError(
                    description: "cannot write \(temporary): check the free space and permissions of \(directory)")
            }
        }
        let emitters = files.map { file in
            { (text: String) throws -> Void in
                var text = text
                try text.withUTF8 { bytes in
                    var offset = 0
                    while offset < bytes.count {
                        let count = Glibc.write(file.descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                        if count < 0 && errno == EINTR { continue }
                        guard count > 0 else {
                            throw WriteError(
                                description:
                                    "cannot write \(file.temporary): check the free space and permissions of \(directory)"
                            )
                        }
                        offset += count
                    }
                }
            }
        }
        do {
            try write(emitters)
        } catch let error as WriteError {
            discard()
            throw error
        } catch {
            discard()
            throw WriteError(description: "the report's entries could not be read for \(directory): \(error)")
        }
        var written: [String] = []
        for (index, file) in files.enumerated() {
            guard close(file.descriptor) == 0 else {
                files.removeFirst(index)
                discard()
                throw WriteError(
                    description: "cannot write \(file.temporary): check the free space and permissions of \(directory)")
            }
            if rename(file.temporary, file.path) != 0 {
                unlink(file.temporary)
                files.removeFirst(index + 1)
                discard()
                throw WriteError(
                    description:
                        "cannot move the report into place at \(file.path): check the permissions of \(directory)")
            }
            written.append(file.path)
        }
        return written
    }
}
