import Foundation
import ReconcilerCore
import WireFormat

/// Why `discrepancies resolve ID` could not settle a discrepancy.
public enum DiscrepancyResolutionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No discrepancy has that id.
    case notFound(id: Int64)
    /// It is already settled; it is left as it is.
    case notOpen(id: Int64, status: DiscrepancyStatus, by: String?, at: Date?, note: String?)
    /// The note is empty.
    case emptyNote

    /// What was wrong and what to do.
    public var description: String {
        switch self {
        case .notFound(let id):
            return "discrepancy \(id) does not exist: list them with credit-reconciler discrepancies list --status all"
        case .notOpen(let id, let status, let by, let at, let note):
            var text = "discrepancy \(id) is not open: it is already \(status.rawValue)"
            if let by { text += " by \(by)" }
            if let at { text += " at \(RFC3339.Timestamp(at))" }
            if let note { text += " (\"\(note)\")" }
            return text + "; nothing was changed. Only open discrepancies can be resolved or ignored."
        case .emptyNote:
            return "a resolution needs a note saying what was done or why: pass --note TEXT"
        }
    }
}
