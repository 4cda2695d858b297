import Foundation

/// Files of the package's source tree (tests run inside it; the binary never uses this).
public enum SourceTree {
    /// The package root, found from this file's compile-time path.
    public static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // TestSupport
        .deletingLastPathComponent()  // Sources
        .deletingLastPathComponent()

    /// A file under the package root, e.g. `sql/roles/credit_reconciler_role.sql`.
    public static func url(_ relativePath: String) -> URL {
        root.appendingPathComponent(relativePath)
    }

    /// The UTF-8 text of a file under the package root.
    public static func text(_ relativePath: String) throws -> String {
        try String(contentsOf: url(relativePath), encoding: .utf8)
    }
}
