import WireFormat

extension ReportLabels {
    /// The plan a run stored, as its report names it: `7 (sha256 …): credit-reconciler plan show 7 --format html`;
    /// nil when the run stored none (`totals.plan`, DESIGN §4.6).
    static func planLine(_ totals: JSONValue) -> String? {
        guard let id = totals["plan"]["id"].integerValue, let hash = totals["plan"]["hash"].stringValue else {
            return nil
        }
        return "\(id) (sha256 \(hash)): credit-reconciler plan show \(id) --format html"
    }
}
