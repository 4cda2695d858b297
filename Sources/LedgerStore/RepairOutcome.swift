/// What `RepairWriter.apply` did for one repair unit.
public enum RepairOutcome: Sendable, Hashable {
    /// These repairs committed together.
    case applied([AppliedFix])
    /// The decision on fresh data wrote nothing (already repaired, e.g. by a crashed run or a
    /// webhook); nothing changed.
    case nothingToDo
    /// A PURCHASE for the payment was committed concurrently (a webhook): everything was
    /// rolled back; not an error, the payment is granted.
    case alreadyGranted

    /// The committed repairs (empty unless `.applied`).
    public var fixes: [AppliedFix] {
        if case .applied(let fixes) = self { return fixes }
        return []
    }
}
