import Foundation
import VCPURuntime

/// A run's latency histograms as one self-contained SVG figure (`--plot FILE.svg` on `latency`,
/// `run` and `replay`): a panel per latency kind the run recorded, stacked on one shared logarithmic
/// latency axis, each panel's bars the histogram's log-linear buckets on a logarithmic count axis,
/// with the reported percentiles (p50 … p99.99) marked and listed. Kinds with no sample are named
/// in a note, not drawn. Nothing outside the file is referenced (no fonts, scripts or style
/// sheets), and the same run gives the same bytes.
///
/// The parts carry what they stand for, so a program can read the figure back: each panel is a
/// `<g class="series" id="series-KIND" data-kind="KIND" data-count="N">`, each bar a
/// `<rect class="bucket" data-low-ns data-high-ns data-count>`, each percentile marker a
/// `<g class="percentile" data-key="p99" data-value-ns>` holding its `<line>`.
struct LatencyPlot: Sendable {
    let figures: LatencyFigures
    let platform: PlatformKind
    /// Lines under the title: the platform and machine, the measures, the command.
    let captions: [String]

    /// The figure of `result`'s latencies; `command` runs it again, `measures` (on live, or when
    /// asked for) says which of cyclictest's measures were in effect.
    init(result: RunResult, command: String, measures: String? = nil) {
        figures = result.latency
        platform = result.platform
        let s = result.scenario
        let clock = result.platform == .live ? "live, the real clock" : "sim, virtual time"
        let workloads = Array(Set(s.vms.map(\.workload.rawValue))).sorted().joined(separator: ", ")
        var captions = [
            "platform \(clock) · \(s.vcpuCount) VCPUs in \(s.vms.count) VMs on \(s.cpus) physical CPUs · workload \(workloads)"
                + " · seed \(s.seed) · \(DurationText.describe(result.endTime)) of platform time"
        ]
        if let measures { captions.append("measures: \(measures)") }
        captions.append("command: \(command)")
        self.captions = captions
    }

    /// The figure of `figures`, with `captions` under its title.
    init(figures: LatencyFigures, platform: PlatformKind, captions: [String]) {
        self.figures = figures
        self.platform = platform
        self.captions = captions
    }

    /// The `--plot FILE.svg` flag of the commands that run a scenario.
    static let option = OptionSpec(
        name: "plot", kind: .path, placeholder: "FILE.svg", defaultValue: nil,
        help: "also write the run's latency histograms as an SVG figure: a panel per kind, log axes, percentiles marked")

    /// The path `--plot` names, checked before the run so that a long run does not end in a file
    /// that cannot be written.
    static func destination(_ options: ParsedOptions) throws(ToolError) -> String? {
        guard case .path(let path)? = options.values[option.name] else { return nil }
        try TextFile.checkWritable(path: path)
        return path
    }

    /// Writes the figure to `path` atomically.
    func write(to path: String) throws(ToolError) {
        try TextFile.writeAtomically(Data(svg.utf8), to: path)
    }

    /// Writes the figure to `path`, if there is one, for `command`: false when it could not, the
    /// error reported (the command then exits with status 2).
    func write(to path: String?, command: String) -> Bool {
        guard let path else { return true }
        do throws(ToolError) {
            try write(to: path)
            return true
        } catch {
            Console.report(error, command: command)
            return false
        }
    }

    // MARK: Layout (pixels)

    static let width = 1000.0
    static let plotLeft = 78.0
    static let plotRight = 760.0
    static let panelHeight = 150.0
    /// Space above a panel for its title, and below it for the latency ticks' labels.
    static let panelTitleSpace = 30.0
    static let panelTickSpace = 26.0
    static let lineHeight = 16.0
    /// The count axis starts at half a sample, so a bucket of one sample still shows as a bar.
    static let countFloor = 0.5
    /// The narrowest bar drawn: a bucket of one value (500 ns on sim) is a fraction of a pixel wide
    /// on a log axis spanning decades.
    static let minimumBarWidth = 3.0

    /// Each kind's colour (Okabe and Ito's colour-blind-safe palette, yellow replaced by brown and
    /// indigo, which read on white): fixed by kind, so a kind looks the same in every figure.
    static func colour(_ kind: LatencyKind) -> String {
        switch kind {
        case .wakeup: "#0072B2"
        case .timer: "#D55E00"
        case .kick: "#009E73"
        case .runqueue: "#CC79A7"
        case .exit: "#E69F00"
        case .exitSPE: "#56B4E9"
        case .exitRest: "#8C564B"
        case .speIRQ: "#332288"
        }
    }

    // MARK: The latency axis

    /// The latency axis: logarithmic in `value + 1` ns, so that 0 ns (the simulated platform
    /// measures exact zeros) sits at its left end when the values reach down to it. It spans whole
    /// decades, from 0 or `10^low` to `10^high` ns; bucket `a...b` spans `x(a)` to `x(b + 1)`.
    struct LatencyAxis: Sendable {
        let low: Int
        let high: Int

        /// The axis for buckets from `lowest` (the lowest bucket's lowest value) up to `highest`
        /// (the highest bucket's highest value).
        init(lowest: UInt64, highest: UInt64) {
            low = lowest < 10 ? 0 : Int(log10(Double(lowest)).rounded(.down))
            high = max(low + 1, Int(log10(Double(highest) + 1).rounded(.up)))
        }

        private var start: Double { low == 0 ? 0 : log10(pow(10, Double(low)) + 1) }
        private var end: Double { log10(pow(10, Double(high)) + 1) }

        /// The x coordinate of `value` ns.
        func x(_ value: Double) -> Double {
            let fraction = (log10(value + 1) - start) / (end - start)
            return LatencyPlot.plotLeft + fraction * (LatencyPlot.plotRight - LatencyPlot.plotLeft)
        }

        /// Where a value is marked: the middle of its nanosecond, inside its bucket's span.
        func marker(_ value: UInt64) -> Double { x(Double(value) + 0.5) }

        /// Labelled ticks at 0 (when the axis starts there) and the powers of ten, unlabelled ones
        /// at their multiples 2 … 9.
        var ticks: [(value: Double, label: String?)] {
            var ticks: [(value: Double, label: String?)] = low == 0 ? [(0, "0")] : []
            for exponent in max(low, 1)...high {
                let decade = pow(10, Double(exponent))
                ticks.append((decade, LatencyPlot.decadeLabel(exponent)))
                if exponent < high { ticks += (2...9).map { (decade * Double($0), nil) } }
            }
            return ticks
        }
    }

    /// `10 ns`, `1 µs`, `100 ms`, `10 s`.
    static func decadeLabel(_ exponent: Int) -> String {
        let units = [(9, "s"), (6, "ms"), (3, "µs"), (0, "ns")]
        let (scale, name) = units.first { exponent >= $0.0 } ?? (0, "ns")
        var digits = "1"
        for _ in 0..<(exponent - scale) { digits += "0" }
        return "\(digits) \(name)"
    }

    /// `1`, `10`, `100`, `1k`, `10k`, `1M`.
    static func countLabel(_ exponent: Int) -> String {
        let units = [(9, "G"), (6, "M"), (3, "k"), (0, "")]
        let (scale, name) = units.first { exponent >= $0.0 } ?? (0, "")
        var digits = "1"
        for _ in 0..<(exponent - scale) { digits += "0" }
        return digits + name
    }

    // MARK: The figure

    /// The figure's SVG text.
    var svg: String {
        let kinds = figures.kinds
        let histograms = kinds.map(figures.histogram)
        let axis = LatencyAxis(
            lowest: histograms.compactMap { $0.buckets.first?.range.lowerBound }.min() ?? 0,
            highest: histograms.compactMap { $0.buckets.last?.range.upperBound }.max() ?? 0)
        var body: [String] = []
        var y = 30.0
        body.append(Self.text("spe-vm latency histograms, one panel per latency kind", x: Self.plotLeft, y: y, size: 18, weight: "bold", class: "title"))
        y += 20
        for line in [LatencyReport.disclaimer] + captions {
            body.append(Self.text(Self.shortened(line), x: Self.plotLeft, y: y, size: 12, class: "caption"))
            y += Self.lineHeight
        }
        let empty = LatencyKind.allCases.filter { !kinds.contains($0) }
        if !empty.isEmpty {
            let note = "not drawn, no samples: " + empty.map(\.rawValue).joined(separator: ", ")
            body.append(Self.text(note, x: Self.plotLeft, y: y, size: 12, fill: "#555555", class: "note"))
            y += Self.lineHeight
        }
        if kinds.isEmpty {
            y += 10
            body.append(Self.text("no latency sample was recorded", x: Self.plotLeft, y: y, size: 14, class: "empty"))
            y += Self.lineHeight
        } else {
            y += 6
            let (legend, rows) = legend(kinds, y: y)
            body.append(legend)
            y += Double(rows) * (Self.lineHeight + 2) + 2
        }
        for (kind, histogram) in zip(kinds, histograms) {
            let top = y + Self.panelTitleSpace
            body.append(panel(kind, histogram, axis: axis, top: top))
            y = top + Self.panelHeight + Self.panelTickSpace
        }
        if !kinds.isEmpty {
            let clock = platform == .live ? "the real clock" : "virtual time"
            y += 8
            body.append(Self.text(
                "latency, log scale (\(clock)); bars: buckets of the histogram, each at most 1/32 of its values wide; dashed: percentiles",
                x: (Self.plotLeft + Self.plotRight) / 2, y: y, size: 12, anchor: "middle", class: "axis-title"))
            y += Self.lineHeight
        }
        let height = (y + 12).rounded(.up)
        let description = ([LatencyReport.disclaimer] + captions).joined(separator: "\n")
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="\(Self.number(Self.width))" height="\(Self.number(height))" \
            viewBox="0 0 \(Self.number(Self.width)) \(Self.number(height))" font-family="sans-serif" data-platform="\(platform.rawValue)">
            <title>spe-vm latency histograms (\(platform.rawValue)): the model's latencies on this host, not KVM's</title>
            <desc>\(Self.escaped(description))</desc>
            <rect x="0" y="0" width="\(Self.number(Self.width))" height="\(Self.number(height))" fill="#ffffff"/>

            """ + body.joined(separator: "\n") + "\n</svg>\n"
    }

    /// A swatch and name per kind drawn, with its sample count, in as many rows as the width needs
    /// (a character is taken as 6.5 pixels wide, a generous guess for 12-pixel sans-serif digits).
    private func legend(_ kinds: [LatencyKind], y firstY: Double) -> (svg: String, rows: Int) {
        var x = Self.plotLeft
        var y = firstY
        var rows = 1
        var entries: [String] = []
        for kind in kinds {
            let label = "\(kind.rawValue) (\(figures.histogram(kind).count))"
            let width = 16 + Double(label.count) * 6.5
            if x > Self.plotLeft, x + width > Self.width - 16 {
                x = Self.plotLeft
                y += Self.lineHeight + 2
                rows += 1
            }
            entries.append(
                "<g class=\"legend-entry\" data-kind=\"\(kind.rawValue)\">"
                    + "<rect x=\"\(Self.number(x))\" y=\"\(Self.number(y - 10))\" width=\"12\" height=\"12\" fill=\"\(Self.colour(kind))\"/>"
                    + Self.text(label, x: x + 16, y: y, size: 12) + "</g>")
            x += width + 18
        }
        return ("<g class=\"legend\">" + entries.joined() + "</g>", rows)
    }

    /// One kind's panel: its title, the count axis, the latency grid and tick labels, the bars, the
    /// percentile markers and, on the right, the figures.
    private func panel(_ kind: LatencyKind, _ histogram: LatencyHistogram, axis: LatencyAxis, top: Double) -> String {
        let bottom = top + Self.panelHeight
        let left = Self.plotLeft
        let right = Self.plotRight
        let colour = Self.colour(kind)
        let decades = max(1, Int(log10(Double(histogram.buckets.map(\.count).max() ?? 1)).rounded(.up)))
        let floor = log10(Self.countFloor)
        func y(_ count: Double) -> Double { bottom - (log10(count) - floor) / (Double(decades) - floor) * Self.panelHeight }
        var parts = [
            "<g class=\"series\" id=\"series-\(kind.rawValue)\" data-kind=\"\(kind.rawValue)\" data-count=\"\(histogram.count)\""
                + " data-min-ns=\"\(histogram.min)\" data-max-ns=\"\(histogram.max)\">",
            "<text x=\"\(Self.number(left))\" y=\"\(Self.number(top - 10))\" font-size=\"13\" class=\"panel-title\">"
                + "<tspan font-weight=\"bold\" fill=\"\(colour)\">\(Self.escaped(kind.rawValue))</tspan>"
                + "<tspan fill=\"#333333\">: \(Self.escaped(kind.summary)) · \(Self.samples(histogram.count))</tspan></text>",
        ]
        // The grid: latency decades (and their multiples, fainter), count decades.
        var grid: [String] = []
        for tick in axis.ticks {
            let x = axis.x(tick.value)
            grid.append(Self.line(x, top, x, bottom, stroke: tick.label == nil ? "#eeeeee" : "#d0d0d0"))
            grid.append(Self.line(x, bottom, x, bottom + (tick.label == nil ? 3 : 5), stroke: "#444444"))
            if let label = tick.label {
                grid.append(Self.text(label, x: x, y: bottom + 17, size: 11, anchor: "middle", class: "x-tick"))
            }
        }
        for exponent in 0...decades {
            let yy = y(pow(10, Double(exponent)))
            grid.append(Self.line(left, yy, right, yy, stroke: "#e4e4e4"))
            grid.append(Self.text(Self.countLabel(exponent), x: left - 6, y: yy + 4, size: 11, anchor: "end", class: "y-tick"))
        }
        grid.append(Self.line(left, bottom, right, bottom, stroke: "#444444"))
        grid.append(Self.line(left, top, left, bottom, stroke: "#444444"))
        let middle = (top + bottom) / 2
        grid.append(
            "<text x=\"\(Self.number(left - 46))\" y=\"\(Self.number(middle))\" font-size=\"11\" text-anchor=\"middle\" fill=\"#333333\""
                + " transform=\"rotate(-90 \(Self.number(left - 46)) \(Self.number(middle)))\" class=\"y-title\">samples (log)</text>")
        parts.append("<g class=\"axes\">" + grid.joined() + "</g>")
        // The bars, one per non-empty bucket.
        var bars: [String] = []
        for bucket in histogram.buckets {
            let from = axis.x(Double(bucket.range.lowerBound))
            let to = axis.x(Double(bucket.range.upperBound) + 1)
            let width = max(to - from, Self.minimumBarWidth)
            let x = (from + to) / 2 - width / 2
            let barTop = y(Double(bucket.count))
            let range =
                bucket.range.lowerBound == bucket.range.upperBound
                ? DurationText.describe(bucket.range.lowerBound)
                : "\(DurationText.describe(bucket.range.lowerBound)) to \(DurationText.describe(bucket.range.upperBound))"
            bars.append(
                "<rect class=\"bucket\" data-low-ns=\"\(bucket.range.lowerBound)\" data-high-ns=\"\(bucket.range.upperBound)\""
                    + " data-count=\"\(bucket.count)\" x=\"\(Self.number(x))\" y=\"\(Self.number(barTop))\""
                    + " width=\"\(Self.number(width))\" height=\"\(Self.number(bottom - barTop))\" fill=\"\(colour)\" fill-opacity=\"0.85\">"
                    + "<title>\(Self.escaped("\(kind.rawValue): \(range): \(Self.samples(bucket.count))"))</title></rect>")
        }
        parts.append("<g class=\"buckets\">" + bars.joined() + "</g>")
        // The percentiles: a dashed line each, labels on rows of their own so that equal values do
        // not write over each other.
        var markers: [String] = []
        for (row, (key, percent)) in LatencyHistogram.reportedPercentiles.enumerated() {
            let value = histogram.percentile(percent)
            let x = axis.marker(value)
            let labelY = top + 12 + Double(row) * 12
            let nearRight = x > right - 50
            markers.append(
                "<g class=\"percentile\" data-key=\"\(key)\" data-value-ns=\"\(value)\">"
                    + "<line x1=\"\(Self.number(x))\" y1=\"\(Self.number(top))\" x2=\"\(Self.number(x))\" y2=\"\(Self.number(bottom))\""
                    + " stroke=\"#222222\" stroke-width=\"1\" stroke-dasharray=\"4 3\"/>"
                    + Self.text(key, x: nearRight ? x - 3 : x + 3, y: labelY, size: 10, anchor: nearRight ? "end" : "start", halo: true)
                    + "</g>")
        }
        parts.append("<g class=\"percentiles\">" + markers.joined() + "</g>")
        // The figures, on the right.
        var rows = LatencyHistogram.reportedPercentiles.map { ($0.key, histogram.percentile($0.percent)) }
        rows += [("min", histogram.min), ("mean", UInt64(histogram.mean.rounded())), ("max", histogram.max)]
        var stats: [String] = []
        for (index, row) in rows.enumerated() {
            let yy = top + 12 + Double(index) * 14.5
            stats.append(Self.text(row.0, x: right + 16, y: yy, size: 11, fill: "#333333"))
            stats.append(Self.text(DurationText.describe(row.1), x: Self.width - 16, y: yy, size: 11, anchor: "end"))
        }
        parts.append("<g class=\"stats\">" + stats.joined() + "</g>")
        parts.append("</g>")
        return parts.joined(separator: "\n")
    }

    // MARK: SVG text

    /// `<text>` with `content` escaped.
    static func text(
        _ content: String, x: Double, y: Double, size: Int, weight: String? = nil, anchor: String? = nil, fill: String = "#000000",
        class name: String? = nil, halo: Bool = false
    ) -> String {
        var attributes = "x=\"\(number(x))\" y=\"\(number(y))\" font-size=\"\(size)\" fill=\"\(fill)\""
        if let weight { attributes += " font-weight=\"\(weight)\"" }
        if let anchor { attributes += " text-anchor=\"\(anchor)\"" }
        if halo { attributes += " stroke=\"#ffffff\" stroke-width=\"3\" paint-order=\"stroke\"" }
        if let name { attributes += " class=\"\(name)\"" }
        return "<text \(attributes)>\(escaped(content))</text>"
    }

    static func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String) -> String {
        "<line x1=\"\(number(x1))\" y1=\"\(number(y1))\" x2=\"\(number(x2))\" y2=\"\(number(y2))\" stroke=\"\(stroke)\" stroke-width=\"1\"/>"
    }

    /// `1 sample`, `2 samples`.
    static func samples(_ count: UInt64) -> String { count == 1 ? "1 sample" : "\(count) samples" }

    /// A coordinate with two decimals, whatever the locale.
    static func number(_ value: Double) -> String { String(format: "%.2f", value) }

    /// `text` with XML's five special characters as entities, and control characters (which XML
    /// 1.0 does not allow) as spaces.
    static func escaped(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\n", "\t": out.unicodeScalars.append(scalar)
            default: out.unicodeScalars.append(scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF ? " " : scalar)
            }
        }
        return out
    }

    /// A caption short enough for the figure's width (the full text is in its `<desc>`).
    static func shortened(_ line: String, limit: Int = 150) -> String {
        line.count <= limit ? line : String(line.prefix(limit - 1)) + "…"
    }
}
