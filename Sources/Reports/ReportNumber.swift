/// Whole numbers as people read them in the HTML and Markdown reports (`146,437,600`); the CSV
/// and JSON keep plain integers for machines.
public enum ReportNumber {
    /// `value` with a comma every three digits.
    public static func grouped(_ value: Int64) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out += "," }
            out.append(digit)
        }
        return (value < 0 ? "-" : "") + out
    }
}
