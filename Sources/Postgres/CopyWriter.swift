import CLibPQ

/// Streams rows into a running `COPY ... FROM STDIN` (text format), buffering about 256 KiB
/// per `PQputCopyData` call. Only valid inside the `Connection.copyIn` body that created it.
public final class CopyWriter {
    private let handle: OpaquePointer
    private let connection: Connection
    private let columnCount: Int
    private var buffer: [UInt8] = []
    private var isOpen = true
    private static let flushThreshold = 256 * 1024

    /// Rows written so far (raw chunks are not counted).
    public private(set) var rowsWritten = 0

    init(handle: OpaquePointer, connection: Connection, columnCount: Int) {
        self.handle = handle
        self.connection = connection
        self.columnCount = columnCount
        buffer.reserveCapacity(Self.flushThreshold + 4096)
    }

    /// Writes one row; each value is escaped for COPY's text format, nil is written as `\N`.
    public func write(row values: [any PostgresBindable]) throws(PostgresError) {
        guard isOpen else { throw PostgresError.misuse("this CopyWriter's COPY has already ended") }
        guard values.count == columnCount else {
            throw PostgresError.misuse(
                "a COPY row has \(values.count) values but the COPY names \(columnCount) columns")
        }
        for (index, value) in values.enumerated() {
            if index > 0 { buffer.append(UInt8(ascii: "\t")) }
            if let text = value.postgresText {
                Self.appendEscaped(text, to: &buffer)
            } else {
                buffer.append(UInt8(ascii: "\\"))
                buffer.append(UInt8(ascii: "N"))
            }
        }
        buffer.append(UInt8(ascii: "\n"))
        rowsWritten += 1
        if buffer.count >= Self.flushThreshold { try flush() }
    }

    /// Writes one row (variadic form of `write(row:)`).
    public func writeRow(_ values: any PostgresBindable...) throws(PostgresError) {
        try write(row: values)
    }

    /// Writes bytes already in COPY text format (whole lines, e.g. a `.copy` file's content).
    public func write<Bytes: Sequence>(copyText bytes: Bytes) throws(PostgresError) where Bytes.Element == UInt8 {
        guard isOpen else { throw PostgresError.misuse("this CopyWriter's COPY has already ended") }
        buffer.append(contentsOf: bytes)
        if buffer.count >= Self.flushThreshold { try flush() }
    }

    /// Escapes `text` as one COPY text-format field: backslash, tab, newline and carriage return
    /// become `\\`, `\t`, `\n`, `\r` (so a field can never end a row or be read as `\N`).
    public static func escape(_ text: String) -> String {
        var bytes: [UInt8] = []
        appendEscaped(text, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    static func appendEscaped(_ text: String, to buffer: inout [UInt8]) {
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\\"):
                buffer.append(UInt8(ascii: "\\"))
                buffer.append(UInt8(ascii: "\\"))
            case UInt8(ascii: "\t"):
                buffer.append(UInt8(ascii: "\\"))
                buffer.append(UInt8(ascii: "t"))
            case UInt8(ascii: "\n"):
                buffer.append(UInt8(ascii: "\\"))
                buffer.append(UInt8(ascii: "n"))
            case UInt8(ascii: "\r"):
                buffer.append(UInt8(ascii: "\\"))
                buffer.append(UInt8(ascii: "r"))
            default: buffer.append(byte)
            }
        }
    }

    func flush() throws(PostgresError) {
        guard !buffer.isEmpty else { return }
        let status = buffer.withUnsafeBufferPointer { bytes in
            bytes.baseAddress!.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                PQputCopyData(handle, $0, Int32(bytes.count))
            }
        }
        buffer.removeAll(keepingCapacity: true)
        guard status == 1 else {
            throw connection.makeError(result: nil, handle: handle, parameters: [])
        }
    }

    func close() { isOpen = false }
}

/// A COPY writer is used inside the connection's `copyIn` body only.
@available(*, unavailable)
extension CopyWriter: Sendable {}
