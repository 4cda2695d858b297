import Foundation
import PortOne
import ReconcilerCore

/// Coverage-guided fuzz entry points for the two parsers that read untrusted bytes: the PortOne
/// payment decoder (`FastPortOneDecoder.decodePaymentsPage`, and `decodePayment` on the same
/// bytes) and the configuration parser (`Configuration.parse`).
///
/// Built with `-sanitize=fuzzer -DFUZZING` (see `scripts/fuzz`) libFuzzer drives
/// ``ReconcilerFuzz/one(_:)`` through `LLVMFuzzerTestOneInput`; `FUZZ_TARGET` (`decoder` or
/// `config`) picks the parser. Built normally, the executable replays the files named on its
/// command line through both parsers (a crash reproducer).
enum ReconcilerFuzz {
    /// The parser under test.
    enum Target: String {
        /// `FastPortOneDecoder`.
        case decoder
        /// `Configuration.parse`.
        case config
    }

    /// The target named by `FUZZ_TARGET`, the decoder by default.
    static let target = Target(rawValue: ProcessInfo.processInfo.environment["FUZZ_TARGET"] ?? "") ?? .decoder

    /// Feeds one input to `target`; any outcome but a crash is fine.
    static func one(_ bytes: [UInt8], target: Target) {
        switch target {
        case .decoder:
            let decoder = FastPortOneDecoder()
            if let page = try? decoder.decodePaymentsPage(bytes) {
                for case .success(let payment) in page.items { _ = payment.facts }
            }
            if case .success(.success(let payment)) = Result(catching: { try decoder.decodePayment(bytes) }) {
                _ = payment.facts
            }
            // The journal's light read gives what the full read gives, or fails where it fails:
            // a disagreement is a crash, for the fuzzer to report.
            let full = try? decoder.decodePaymentEventsCursorPage(bytes)
            let light = try? decoder.decodePaymentEventIdsCursorPage(bytes)
            precondition(
                full.map(PaymentEventIdPage.init) == light, "the journal's light read disagrees with the full read")
        case .config:
            _ = try? Configuration.parse(Data(bytes))
        }
    }
}

#if FUZZING
    /// libFuzzer's driver (in the runtime that `-sanitize=fuzzer` links). SwiftPM gives an
    /// executable its own `main`, so the fuzzer is started from there rather than through
    /// libFuzzer's `main`.
    @_silgen_name("LLVMFuzzerRunDriver")
    func runFuzzerDriver(
        _ argc: UnsafeMutablePointer<CInt>,
        _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
        _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
    ) -> CInt

    /// libFuzzer's entry point (the runtime refers to it by name).
    @_cdecl("LLVMFuzzerTestOneInput")
    public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
        let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
        ReconcilerFuzz.one(bytes, target: ReconcilerFuzz.target)
        return 0
    }

    /// Runs libFuzzer with this process's arguments on ``ReconcilerFuzz/target``.
    @main enum ReconcilerFuzzMain {
        static func main() {
            var argc = CommandLine.argc
            var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
            let status = runFuzzerDriver(&argc, &argv, fuzzOneInput)
            exit(status)
        }
    }
#else
    /// Replays the files named on the command line through both parsers.
    @main enum ReconcilerFuzzReplay {
        static func main() throws {
            for path in CommandLine.arguments.dropFirst() {
                let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
                ReconcilerFuzz.one(bytes, target: .decoder)
                ReconcilerFuzz.one(bytes, target: .config)
                print("ok \(path)")
            }
        }
    }
#endif
