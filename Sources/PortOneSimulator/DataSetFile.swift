import Foundation

/// Saves and loads a data set: a JSON-lines file, one PortOne `Payment` object per line.
public enum DataSetFile {
    /// Writes every payment of `store` to `path` (exit 73 on failure).
    public static func save(_ store: PaymentStore, to path: String) throws(SimulatorFailure) {
        var data = Data()
        for json in store.allJSON() {
            data.append(contentsOf: json)
            data.append(10)
        }
        do {
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
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
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SimulatorFailure("cannot read data file \(path)", exitCode: 66)
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
                    for j in start..<end where bytes[j] != 32 && bytes[j] != 9 { blank = false; break }
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
                    do {
                        return try JSONDecoder().decode(SimulatedPayment.self, from: data.subdata(in: line.range))
                    } catch {
                        throw SimulatorFailure("\(path):\(line.number): not a PortOne payment: \(SimulatorFailure.describe(error))", exitCode: 65)
                    }
                }, extract: extract)
        } catch let failure as SimulatorFailure {
            throw failure
        } catch {
            throw SimulatorFailure("\(path): \(error)", exitCode: 65)
        }
    }
}
