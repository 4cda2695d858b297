import ReconcilerCore
import WireFormat

/// The inline SVG charts of the HTML report: plain shapes and text, no script, no external
/// font or image; every label from external data is escaped.
public enum SVGChart {
    /// The colour of a severity.
    static func colour(_ severity: String) -> String {
        switch Discrepancy.Severity(rawValue: severity) {
        case .critical: "#c62828"
        case .warning: "#ef8f00"
        case .info, nil: "#1e88e5"
        }
    }

    /// Horizontal bars: one per kind, coloured by severity, with its count.
    public static func kinds(_ bars: [(kind: String, severity: String, count: Int)], labels: ReportLabels) -> String {
        let rowHeight = 26
        let labelWidth = 230
        let width = 720
        let height = max(1, bars.count) * rowHeight + 40
        let maximum = max(1, bars.map(\.count).max() ?? 1)
        var svg = [
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\" height=\"\(height)\" role=\"img\" aria-label=\"\(HTMLReport.escape(labels("chartKinds")))\">"
        ]
        if bars.isEmpty {
            svg.append(
                "<text x=\"10\" y=\"24\" font-size=\"13\" fill=\"#555\">\(HTMLReport.escape(labels("none")))</text>")
        }
        let span = width - labelWidth - 60
        for (index, bar) in bars.enumerated() {
            let y = 8 + index * rowHeight
            let length = max(2, bar.count * span / maximum)
            svg.append(
                "<text x=\"\(labelWidth - 8)\" y=\"\(y + 16)\" font-size=\"12\" text-anchor=\"end\" fill=\"#222\">\(HTMLReport.escape(bar.kind))</text>"
            )
            svg.append(
                "<rect x=\"\(labelWidth)\" y=\"\(y + 3)\" width=\"\(length)\" height=\"\(rowHeight - 8)\" fill=\"\(colour(bar.severity))\"/>"
            )
            svg.append(
                "<text x=\"\(labelWidth + length + 6)\" y=\"\(y + 16)\" font-size=\"12\" fill=\"#222\">\(bar.count)</text>"
            )
        }
        let legendY = height - 12
        var x = labelWidth
        for severity in Discrepancy.Severity.allCases.sorted() {
            svg.append(
                "<rect x=\"\(x)\" y=\"\(legendY - 10)\" width=\"12\" height=\"12\" fill=\"\(colour(severity.rawValue))\"/>"
            )
            svg.append(
                "<text x=\"\(x + 16)\" y=\"\(legendY)\" font-size=\"12\" fill=\"#222\">\(HTMLReport.escape(labels(severity.rawValue)))</text>"
            )
            x += 110
        }
        svg.append("</svg>")
        return svg.joined(separator: "\n")
    }

    /// Horizontal bars of repairs (applied and planned) by cause, then by origin; the web app's
    /// defects and failures in red and orange, chargebacks in red.
    public static func why(_ why: ReportWhy, labels: ReportLabels) -> String {
        func colour(_ key: String) -> String {
            switch key {
            case GrantCause.Kind.webhookFailed.rawValue, DeductionOrigin.Kind.chargeback.rawValue: "#c62828"
            case GrantCause.Kind.webhookAcknowledged.rawValue: "#ef8f00"
            case GrantCause.Kind.webhookNotSent.rawValue: "#8e24aa"
            case GrantCause.Kind.unknown.rawValue, DeductionOrigin.Kind.unknown.rawValue: "#9e9e9e"
            default: "#1e88e5"
            }
        }
        let bars =
            why.causes.map { (labels(RepairKind.missedGrant.rawValue), $0) }
            + why.origins.map { (labels(RepairKind.missedRefund.rawValue), $0) }
        let rowHeight = 26
        let labelWidth = 300
        let width = 620
        let height = max(1, bars.count) * rowHeight + 16
        let maximum = max(1, bars.map(\.1.total).max() ?? 1)
        let span = width - labelWidth - 60
        var svg = [
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\" height=\"\(height)\" role=\"img\" aria-label=\"\(HTMLReport.escape(labels("chartWhy")))\">"
        ]
        for (index, (kind, line)) in bars.enumerated() {
            let y = 8 + index * rowHeight
            let length = max(2, line.total * span / maximum)
            svg.append(
                "<text x=\"\(labelWidth - 8)\" y=\"\(y + 16)\" font-size=\"12\" text-anchor=\"end\" fill=\"#222\">\(HTMLReport.escape("\(kind) · \(labels.why(line.key))"))</text>"
            )
            svg.append(
                "<rect x=\"\(labelWidth)\" y=\"\(y + 3)\" width=\"\(length)\" height=\"\(rowHeight - 8)\" fill=\"\(colour(line.key))\"/>"
            )
            svg.append(
                "<text x=\"\(labelWidth + length + 6)\" y=\"\(y + 16)\" font-size=\"12\" fill=\"#222\">\(line.total)</text>"
            )
        }
        svg.append("</svg>")
        return svg.joined(separator: "\n")
    }

    /// Per day: payments paid (bars), granted by the app before the run and granted after the
    /// run's repairs (lines).
    public static func daily(_ days: [JSONValue], labels: ReportLabels) -> String {
        let width = 720
        let height = 280
        let left = 48
        let right = 12
        let top = 16
        let bottom = 64
        let plotWidth = width - left - right
        let plotHeight = height - top - bottom
        let paid = days.map { Int($0["paidPayments"].integerValue ?? 0) }
        let before = days.map { Int($0["grantedPayments"].integerValue ?? 0) }
        let after = days.map {
            Int(($0["grantedPayments"].integerValue ?? 0) + ($0["repairedPayments"].integerValue ?? 0))
        }
        let maximum = niceCeiling(max(1, (paid + after).max() ?? 1))
        var svg = [
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\" height=\"\(height)\" role=\"img\" aria-label=\"\(HTMLReport.escape(labels("chartDaily")))\">"
        ]
        // 0-100 by 20, 0-200 by 50, 0-500 by 100 (and their powers of ten).
        let steps = String(maximum).first == "2" ? 4 : 5
        for step in 0...steps {
            let value = maximum * step / steps
            let y = top + plotHeight - plotHeight * step / steps
            svg.append(
                "<line x1=\"\(left)\" y1=\"\(y)\" x2=\"\(width - right)\" y2=\"\(y)\" stroke=\"#ddd\" stroke-width=\"1\"/>"
            )
            svg.append(
                "<text x=\"\(left - 6)\" y=\"\(y + 4)\" font-size=\"11\" text-anchor=\"end\" fill=\"#555\">\(value)</text>"
            )
        }
        guard !days.isEmpty else {
            svg.append(
                "<text x=\"\(left + 10)\" y=\"\(top + 20)\" font-size=\"13\" fill=\"#555\">\(HTMLReport.escape(labels("none")))</text>"
            )
            svg.append("</svg>")
            return svg.joined(separator: "\n")
        }
        let slot = Double(plotWidth) / Double(days.count)
        func x(_ index: Int) -> Double { Double(left) + slot * (Double(index) + 0.5) }
        func y(_ value: Int) -> Double {
            Double(top + plotHeight) - Double(plotHeight) * Double(value) / Double(maximum)
        }
        let barWidth = max(1.0, slot * 0.7)
        for (index, value) in paid.enumerated() where value > 0 {
            svg.append(
                "<rect x=\"\(format(x(index) - barWidth / 2))\" y=\"\(format(y(value)))\" width=\"\(format(barWidth))\" height=\"\(format(Double(top + plotHeight) - y(value)))\" fill=\"#90caf9\"/>"
            )
        }
        // The solid "after" line first and wider, the dashed "before" line on top: both stay visible
        // where they coincide.
        for (series, colour, dash, width) in [(after, "#2e7d32", "", 3), (before, "#c62828", "5 4", 2)] {
            let points = series.enumerated().map { "\(format(x($0.offset))),\(format(y($0.element)))" }
            let dashing = dash.isEmpty ? "" : " stroke-dasharray=\"\(dash)\""
            svg.append(
                "<polyline points=\"\(points.joined(separator: " "))\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"\(width)\"\(dashing)/>"
            )
        }
        let every = max(1, (days.count + 9) / 10)
        for (index, day) in days.enumerated() where index % every == 0 || index == days.count - 1 {
            let date = day["date"].stringValue ?? ""
            svg.append(
                "<text x=\"\(format(x(index)))\" y=\"\(top + plotHeight + 16)\" font-size=\"11\" text-anchor=\"middle\" fill=\"#555\">\(HTMLReport.escape(String(date.suffix(5))))</text>"
            )
        }
        let legendY = height - 14
        let legend: [(String, String, Bool)] = [
            (labels("paidPayments"), "#90caf9", true), (labels("grantedPayments"), "#c62828", false),
            (labels("grantedPayments") + " + " + labels("repairedPayments"), "#2e7d32", false),
        ]
        var legendX = left
        for (text, colour, isBar) in legend {
            if isBar {
                svg.append(
                    "<rect x=\"\(legendX)\" y=\"\(legendY - 10)\" width=\"14\" height=\"12\" fill=\"\(colour)\"/>")
            } else {
                svg.append(
                    "<line x1=\"\(legendX)\" y1=\"\(legendY - 4)\" x2=\"\(legendX + 14)\" y2=\"\(legendY - 4)\" stroke=\"\(colour)\" stroke-width=\"2\"/>"
                )
            }
            svg.append(
                "<text x=\"\(legendX + 18)\" y=\"\(legendY)\" font-size=\"12\" fill=\"#222\">\(HTMLReport.escape(text))</text>"
            )
            legendX += 18 + text.count * 9 + 24
        }
        svg.append("</svg>")
        return svg.joined(separator: "\n")
    }

    /// A round axis maximum at or above `value` (1, 2 or 5 times a power of ten).
    static func niceCeiling(_ value: Int) -> Int {
        var power = 1
        while true {
            for factor in [1, 2, 5] where factor * power >= value { return factor * power }
            power *= 10
        }
    }

    /// One decimal place, without locale: SVG coordinates.
    static func format(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        let sign = tenths < 0 ? "-" : ""
        let magnitude = abs(tenths)
        return "\(sign)\(magnitude / 10).\(magnitude % 10)"
    }
}
