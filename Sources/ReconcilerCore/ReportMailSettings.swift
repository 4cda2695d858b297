/// `reports.email`: who receives each run's report by e-mail, and when (DESIGN §7).
public struct ReportMailSettings: Equatable, Sendable {
    /// Which runs are mailed.
    public enum When: String, Sendable, CaseIterable {
        /// Every run.
        case always
        /// Runs that opened new discrepancies, and runs that did not succeed.
        case discrepancies
        /// None.
        case never
    }

    /// The recipients; empty sends nothing.
    public var to: [String] = []
    /// The sender; nil uses `credit-reconciler@` the host's name.
    public var from: String?
    /// Which runs are mailed.
    public var when: When = .always

    /// The defaults of DESIGN §6: nobody, so nothing is sent.
    public init() {}

    /// Whether a run that ended `succeeded` (or not) with `newDiscrepancies` new ones is mailed.
    public func mails(succeeded: Bool, newDiscrepancies: Int64) -> Bool {
        guard !to.isEmpty else { return false }
        switch when {
        case .always: return true
        case .discrepancies: return !succeeded || newDiscrepancies > 0
        case .never: return false
        }
    }

    /// Whether `address` is a bare `local@domain` address: nothing that could reach the SMTP
    /// dialogue or a mail header (no spaces, angle brackets, quotes, commas or control bytes).
    public static func isPlainAddress(_ address: String) -> Bool {
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."),
            !parts[1].hasSuffix("."), address.utf8.count <= 254
        else { return false }
        return address.utf8.allSatisfy { byte in
            byte > 32 && byte < 127 && !"<>()[],;:\\\"".utf8.contains(byte)
        }
    }
}
