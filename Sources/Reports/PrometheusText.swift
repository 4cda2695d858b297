/// Prometheus text exposition, as node_exporter's textfile collector reads it: `# HELP` and
/// `# TYPE` before each family, names under `credit_reconciler_`, label values escaped, a
/// newline at the end. The runs' ``MetricsFile`` and the follow loop's ``FollowMetricsFile``
/// both write through it.
struct PrometheusText {
    private var lines: [String] = []

    /// Adds the family `credit_reconciler_<name>` with its series, in the order given.
    mutating func family(
        _ name: String, _ type: String, _ help: String, _ series: [(labels: [(String, String)], value: String)]
    ) {
        let full = "credit_reconciler_" + name
        lines.append("# HELP \(full) \(help)")
        lines.append("# TYPE \(full) \(type)")
        for (labels, value) in series {
            let labelText =
                labels.isEmpty
                ? "" : "{" + labels.map { "\($0.0)=\"\(Self.escape($0.1))\"" }.joined(separator: ",") + "}"
            lines.append("\(full)\(labelText) \(value)")
        }
    }

    /// Adds a family of one series without labels.
    mutating func single(_ name: String, _ type: String, _ help: String, _ value: Int64) {
        family(name, type, help, [([], String(value))])
    }

    /// The exposition text.
    var text: String { lines.joined(separator: "\n") + "\n" }

    /// A label value as the exposition format wants it: `\`, `"` and newlines escaped.
    static func escape(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }
}
