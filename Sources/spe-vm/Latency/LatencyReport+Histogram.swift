import VCPURuntime

extension LatencyReport {
    /// cyclictest's `-h` output for the timer latency, a column per VCPU (cyclictest's threads):
    /// `# Histogram`, a line per 1 µs bucket (`%06d` then each VCPU's count as `%06lu`, tab
    /// separated), `# Total:` (bucket counts, `%09llu`), `# Min Latencies:`, `# Avg Latencies:`,
    /// `# Max Latencies:`, `# Histogram Overflows:` (`%05lu`, microseconds), then the sample numbers
    /// at which each VCPU overflowed. Every bucket has its line, empty or not, as rt-tests 2.4's
    /// cyclictest prints them.
    var histogramLines: [String] {
        guard let bound = plan.histogram else { return [] }
        let columns = vcpuLines.map { line in
            line.timer.histogram.linear ?? LinearBuckets(bound: bound)
        }
        let histograms = vcpuLines.map(\.timer.histogram)
        var lines = ["# Histogram"]
        for bucket in 0..<bound {
            lines.append(Self.zeroPadded(UInt64(bucket), 6) + " "
                + columns.map { Self.zeroPadded($0.counts[bucket], 6) }.joined(separator: "\t"))
        }
        let us = { (ns: UInt64) in Self.zeroPadded(Self.wholeMicroseconds(ns), 5) }
        lines.append("# Total:" + columns.map { " " + Self.zeroPadded($0.counts.reduce(0, +), 9) }.joined())
        lines.append("# Min Latencies:" + histograms.map { " " + us($0.min) }.joined())
        lines.append("# Avg Latencies:" + histograms.map { " " + us(UInt64($0.mean)) }.joined())
        lines.append("# Max Latencies:" + histograms.map { " " + us($0.max) }.joined())
        lines.append("# Histogram Overflows:" + columns.map { " " + Self.zeroPadded($0.overflows, 5) }.joined())
        lines.append("# Histogram Overflow at cycle number:")
        for (index, column) in columns.enumerated() {
            var line = "# Thread \(index):" + column.outliers.map { " " + Self.zeroPadded($0, 5) }.joined()
            let others = column.overflows - UInt64(column.outliers.count)
            if others > 0 { line += " # \(Self.zeroPadded(others, 5)) others" }
            lines.append(line)
        }
        return lines
    }

    /// `value` with leading zeros up to `width` digits (C's `%0*lu`).
    static func zeroPadded(_ value: UInt64, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
