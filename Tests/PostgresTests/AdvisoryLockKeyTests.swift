import Postgres
import Testing

/// Advisory lock keys are derived from names the same way in every process.
@Suite struct AdvisoryLockKeyTests {
    @Test("keys from names are FNV-1a 64, stable across processes")
    func stableKeys() {
        #expect(AdvisoryLockKey(name: "a").value == Int64(bitPattern: 0xaf63_dc4c_8601_ec8c))
        #expect(AdvisoryLockKey(name: "").value == Int64(bitPattern: 0xcbf2_9ce4_8422_2325))
        #expect(AdvisoryLockKey(name: "credit-reconciler.run") != AdvisoryLockKey(name: "credit-reconciler.migrate"))
    }
}
