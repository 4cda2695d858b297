import WireFormat

/// Validity checked against the exact instants PortOne reports.
extension CreditPackage {
    /// Whether the entry was in force at an exact instant; the bounds are compared as exact
    /// instants (configuration instants are exact to the microsecond), so a payment requested a
    /// few nanoseconds before a price change still gets the old price.
    func isInForce(at instant: RFC3339.Timestamp) -> Bool {
        if let validFrom, instant < RFC3339.Timestamp(validFrom) { return false }
        if let validUntil, instant >= RFC3339.Timestamp(validUntil) { return false }
        return true
    }
}
