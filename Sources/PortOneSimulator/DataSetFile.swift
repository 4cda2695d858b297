import Foundation

/// Saves and loads a data set: a JSON-lines file, one PortOne `Payment` object per line.
public enum DataSetFile {
    /// Writes every payment of `store` to `path` (exit 73 on failure).
    public static func save(_ store: PaymentStore, to path: String) throws(SimulatorFailure) {
        let temporary = path + ".tmp-\(getpid())"
        guard FileManager.default.createFile(atPath: temporary, contents: nil),
            let handle = FileHandle(forWritingAtPath: temporary)
        else {
            throw SimulatorFailure(
                "cannot create data set file \(path): check the directory exists and is writable", exitCode: 73)
        }
        do {
            var chunk = Data()
            chunk.reserveCapacity(8 << 20)
            for json in store.allJSON() {
                chunk.append(contentsOf: json)
                chunk.append(10)
                if chunk.count >= 8 << 20 {
                    try handle.write(contentsOf: chunk)
                    chunk.removeAll(keepingCapacity: true)
                }
            }
            try handle.write(contentsOf: chunk)
            try handle.close()
            if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
            try FileManager.default.moveItem(atPath: temporary, toPath: path)
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw SimulatorFailure("cannot write data set \(path): \(error.localizedDescription)", exitCode: 73)
        }
    }

    /// Reads `path` into a store; `extract` derives a side value per payment.
    ///
    /// Errors name the file and line: `data.jsonl:12: missing field "status"` (exit 65), or
    /// the missing file (exit 66).
    public static func load<Extra: Sendable>(
        _ path: String, extract: @escaping @Sendable (SimulatedPayment) -> Extra?
    ) throws(SimulatorFailure) -> (PaymentStore, [Extra?]) {
        guard FileManager.default.fileExists(atPath: path) else {
            throw SimulatorFailure("data file \(path) does not exist", exitCode: 66)
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        } catch {
            throw SimulatorFailure("cannot read data file \(path): \(error.localizedDescription)", exitCode: 66)
        }
        var lines: [(number: Int, range: Range<Int>)] = []
        data.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            var start = 0
            var number = 1
            for i in 0...bytes.count {
                if i == bytes.count || bytes[i] == 10 {
                    var end = i
                    if end > start && bytes[end - 1] == 13 { end -= 1 }
                    var blank = true
                    for j in start..<end where bytes[j] != 32 && bytes[j] != 9 {
                        blank = false
                        break
                    }
                    if !blank { lines.append((number, start..<end)) }
                    start = i + 1
                    number += 1
                }
            }
        }
        let frozenLines = lines
        do {
            return try PaymentStore.build(
                count: frozenLines.count,
                make: { index in
                    let line = frozenLines[index]
                    let fast = data.withUnsafeBytes { raw in
                        FastPaymentDecoder.decode(
                            UnsafeBufferPointer(rebasing: raw.bindMemory(to: UInt8.self)[line.range]))
                    }
                    if let fast { return fast }
                    do {
                        return try JSONDecoder().decode(SimulatedPayment.self, from: data.subdata(in: line.range))
                    } catch {
                        throw SimulatorFailure(
                            "\(path):\(line.number): not a PortOne payment: \(SimulatorFailure.describe(error))",
                            exitCode: 65)
                    }
                }, extract: extract)
        } catch let failure as SimulatorFailure {
            throw failure
        } catch {
            throw SimulatorFailure("\(path): \(error)", exitCode: 65)
        }
    }
}
