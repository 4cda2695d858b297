import Foundation
import PortOneSimulator

/// Shared set-up for the simulator's loopback tests: a generated data set and a running
/// in-process simulator on a free port.
enum SimulatorTestData {
    static let secret = "test-secret-\(UInt32.random(in: 0...UInt32.max))"
    static let storeId = GeneratorOptions.defaultStoreId
    static let until = Timestamp.parse("2026-11-25T00:00:00Z")!

    /// A data set with every status (fixed seed).
    static func options(count: Int = 3000, seed: UInt64 = 11) -> GeneratorOptions {
        GeneratorOptions(count: count, seed: seed, until: until)
    }

    /// Starts a simulator over a fresh store; stop it with `stop()`.
    static func start(count: Int = 3000, seed: UInt64 = 11, faults: FaultConfiguration = FaultConfiguration()) throws
        -> (SimulatorServer, Int)
    {
        let generator = DataSetGenerator(options: options(count: count, seed: seed))
        let (store, _) = try PaymentStore.build(
            count: count, make: { generator.payment(at: $0) }, extract: { _ in Int?.none })
        let server = SimulatorServer(store: store, secret: secret, storeId: storeId, faults: faults)
        let port = try server.start(host: "127.0.0.1", port: 0)
        return (server, port)
    }

    /// A `GetPaymentsBody` over the whole data set window.
    static func listBody(number: Int = 0, size: Int = 1000, extraFilter: String = "") -> String {
        "{\"page\":{\"number\":\(number),\"size\":\(size)},\"filter\":{\"from\":\"2020-01-01T00:00:00Z\",\"until\":\"\(until)\",\"sortBy\":\"REQUESTED_AT\",\"sortOrder\":\"ASC\",\"timestampType\":\"CREATED_AT\"\(extraFilter)}}"
    }
}
