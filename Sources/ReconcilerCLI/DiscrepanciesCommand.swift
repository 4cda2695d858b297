import Foundation
import ReconcilerCore
import ReconcilerEngine

/// `credit-reconciler discrepancies list|resolve`.
enum DiscrepanciesCommand {
    static func list(_ options: DiscrepancyListOptions, environment: [String: String]) -> ExitStatus {
        DatabaseAccess.withDatabase(environment: environment) { (database) throws(ServiceFailure) in
            let found = try database.discrepancies(status: options.status.status, kind: options.kind)
            if found.isEmpty {
                Console.output(
                    "no \(options.status == .all ? "" : "\(options.status.rawValue) ")discrepancies\(options.kind.map { " of kind \($0)" } ?? "")"
                )
                return .success
            }
            for item in found {
                let subject = item.paymentId.map { "payment \($0)" } ?? item.userId.map { "user \($0)" } ?? "run level"
                Console.output(
                    "#\(item.id)  \(item.severity)  \(item.kind)  \(item.status.rawValue)  \(subject)  seen \(item.occurrences)× since run \(item.firstSeenRunId)"
                )
                Console.output("    \(item.detail)")
                if let note = item.resolutionNote {
                    Console.output("    resolution: \(note)\(item.resolvedBy.map { " — \($0)" } ?? "")")
                }
            }
            return .success
        }
    }

    static func resolve(_ options: ResolveOptions, environment: [String: String]) -> ExitStatus {
        DatabaseAccess.withDatabase(environment: environment) { (database) throws(ServiceFailure) in
            let by =
                options.by ?? environment["SUDO_USER"] ?? environment["USER"] ?? environment["LOGNAME"] ?? "unknown"
            let resolved = try database.resolveDiscrepancy(
                id: options.id, note: options.note, by: by, ignore: options.ignore)
            Console.output(
                "discrepancy #\(resolved.id) (\(resolved.kind)) is now \(resolved.status.rawValue), by \(by)")
            return .success
        }
    }
}
