/// Which catalog package a payment bought (ARCHITECTURE §5.1), and by which rule it was found.
///
/// The rules, in order: the entry whose id is `customData.packageId`, else (only when
/// `customData` names no package) the entry whose name is the payment's `orderName`, else the
/// single entry whose price is `amount.total`; each only among entries in force when the
/// payment was requested. A package id that names no entry in force then is
/// ``unknownPackageId(_:)``, never a fallback (issue 9: the app said what was bought, and it is
/// not what the catalog sells). The order name or price rule that finds nothing hands over to
/// the next; a rule that finds several entries stops with ``ambiguous(_:)``. Finding a
/// package says nothing about the amount: the price is checked afterwards, so `customData`
/// (written by the browser) can name a package but never make it cheaper.
public enum PackageResolution: Sendable, Equatable {
    /// How the package was found.
    public enum Rule: String, Sendable, Hashable, CaseIterable {
        /// `customData.packageId`.
        case customDataPackageId
        /// `orderName` equals the package's name.
        case orderName
        /// The only package in force with the payment's total as its price.
        case price
    }

    /// Exactly one package.
    case found(CreditPackage, by: Rule)
    /// Several packages fit one rule (their ids, sorted): the payment is not mapped.
    case ambiguous([String])
    /// No rule found a package.
    case notFound
    /// `customData.packageId` names no catalog entry in force at the payment's request time.
    case unknownPackageId(String)

    /// Resolves the package of `payment` in `catalog`.
    public static func resolve(for payment: PaymentFacts, in catalog: [CreditPackage]) -> PackageResolution {
        let inForce = catalog.filter { $0.isInForce(at: payment.requestedAt) }
        var candidates: [(Rule, [CreditPackage])] = []
        if let packageId = payment.customDataPackageId, !packageId.isEmpty {
            let matches = inForce.filter { $0.id == packageId }
            guard !matches.isEmpty else { return .unknownPackageId(packageId) }
            candidates.append((.customDataPackageId, matches))
        }
        if !payment.orderName.isEmpty {
            candidates.append((.orderName, inForce.filter { $0.name == payment.orderName }))
        }
        candidates.append((.price, inForce.filter { $0.price == payment.totalAmount }))
        for (rule, matches) in candidates {
            switch matches.count {
            case 0: continue
            case 1: return .found(matches[0], by: rule)
            default: return .ambiguous(matches.map(\.id).sorted())
            }
        }
        return .notFound
    }
}
