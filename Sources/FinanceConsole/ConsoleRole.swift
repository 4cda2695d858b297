import ReconcilerCore

/// What a user of the console may do (DESIGN §10): everyone the reverse proxy signed in reads;
/// `console.editors` resolve and ignore discrepancies; `console.approvers` approve plans.
public enum ConsoleRole: String, Sendable, Hashable, CaseIterable {
    /// Reads every page.
    case reader
    /// Resolves and ignores discrepancies.
    case editor
    /// Approves plans.
    case approver

    /// Whether `user` holds this role under `settings`.
    public func isHeld(by user: String, settings: ConsoleSettings) -> Bool {
        switch self {
        case .reader: true
        case .editor: settings.editors.contains(user)
        case .approver: settings.approvers.contains(user)
        }
    }

    /// The configuration list that grants the role, for the refusal page.
    public var settingName: String {
        switch self {
        case .reader: "console.userHeader"
        case .editor: "console.editors"
        case .approver: "console.approvers"
        }
    }
}
