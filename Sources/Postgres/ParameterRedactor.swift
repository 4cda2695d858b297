/// Keeps bound parameter values out of error messages: the server quotes offending values
/// (`invalid input syntax for type integer: "abc"`, `Key ("paymentId")=(pay_1) already exists`).
struct ParameterRedactor {
    private let replacements: [(String, String)]

    init(parameters: [String?]) {
        var replacements: [(String, String)] = []
        for (index, value) in parameters.enumerated() {
            guard let value, !value.isEmpty else { continue }
            let placeholder = "<parameter $\(index + 1)>"
            // Delimited forms are safe to replace for any length; bare text only when long
            // enough not to hit ordinary words and numbers of the message.
            replacements.append(("\"\(value)\"", "\"\(placeholder)\""))
            replacements.append(("(\(value))", "(\(placeholder))"))
            replacements.append(("'\(value)'", "'\(placeholder)'"))
            if value.count >= 4 { replacements.append((value, placeholder)) }
        }
        self.replacements = replacements.sorted { $0.0.count > $1.0.count }
    }

    func redact(_ text: String) -> String {
        var text = text
        for (needle, placeholder) in replacements where text.contains(needle) {
            text = text.replacingOccurrences(of: needle, with: placeholder)
        }
        return text
    }
}
