import Testing

@testable import ReconcilerCLI

@Suite struct SystemdNotifierTests {
    @Test(arguments: [
        ("/run/systemd/notify", Array("/run/systemd/notify".utf8) + [0]),
        ("@abstract/name", [0] + Array("abstract/name".utf8)),
    ])
    func socketAddresses(path: String, bytes: [UInt8]) {
        #expect(SystemdNotifier.socketAddress(path) == bytes)
    }

    @Test(arguments: ["", "relative/path", "/" + String(repeating: "x", count: 200)])
    func unusableAddressesAreIgnored(path: String) {
        #expect(SystemdNotifier.socketAddress(path) == nil)
    }

    @Test(
        arguments: [
            ("120000000", nil, Duration?.some(.seconds(60))),
            ("2000000", "42", .some(.seconds(1))),
            ("2000000", "7", nil),
            ("0", nil, nil),
            ("soon", nil, nil),
        ] as [(String, String?, Duration?)])
    func watchdogIsHalfTheTimeoutForThisProcess(usec: String, pid: String?, interval: Duration?) {
        #expect(SystemdNotifier.watchdogInterval(usec: usec, watchdogPID: pid, pid: 42) == interval)
    }

    @Test func withoutNotifySocketNothingIsSent() {
        let notifier = SystemdNotifier(environment: [:])
        #expect(!notifier.isActive)
        #expect(!notifier.send("READY=1"))
        #expect(notifier.watchdogInterval == nil)
    }
}
