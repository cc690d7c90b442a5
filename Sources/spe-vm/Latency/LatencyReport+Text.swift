import Foundation
import VCPURuntime

extension LatencyReport {
    /// The report as text: header and configuration (`#` lines), one cyclictest line per VCPU,
    /// a schbench-style percentile table per latency kind recorded, a `perf sched latency`-style
    /// table per VCPU, the rules, the wall-clock timing, and cyclictest's `-h` histogram last when
    /// asked for.
    var text: String {
        var lines = ["spe-vm latency: \(RunReport.model)", Self.disclaimer]
        lines += headerLines
        lines += vcpuLines.map(cyclictestLine)
        lines.append("")
        lines += percentileLines
        lines += schedLines
        lines.append("")
        lines += invariantLines
        lines.append("timing: \(String(format: "%.3f", result.wallSeconds)) s of wall time (wall clock: varies run to run)")
        if status != .success { lines.append("replay: \(replay)") }
        if plan.histogram != nil {
            lines.append("")
            lines += histogramLines
        }
        return lines.joined(separator: "\n")
    }

    /// The configuration, as `#` lines (cyclictest prints its settings that way).
    private var headerLines: [String] {
        let s = result.scenario
        var lines: [String] = []
        switch result.platform {
        case .sim:
            lines.append("# platform: sim (deterministic, virtual time, seeded schedule), seed \(s.seed)")
        case .live:
            let load = result.oversubscribed ? ", oversubscribed" : ""
            lines.append("# platform: live (a thread per physical CPU, the real clock), \(s.cpus) CPU threads on \(onlineCores) online cores\(load), seed \(s.seed)")
        }
        let workloads = Array(Set(s.vms.map(\.workload.rawValue))).sorted().joined(separator: ", ")
        lines.append("# machine: \(s.cpus) physical CPUs, \(s.vcpuCount) VCPUs in \(s.vms.count) VMs, workload \(workloads), "
            + "time slice \(DurationText.format(s.timeSlice)), "
            + (s.migrateEvery.map { "migrate every \(DurationText.format($0))" } ?? "no migrator"))
        let loops = plan.loops.map { "\($0) loops per VCPU" } ?? "no loop bound"
        let budget: String =
            switch s.budget {
            case .duration(let ns): plan.durationIsCap ? "capped at \(DurationText.format(ns))" : "duration \(DurationText.format(ns))"
            case .exits(let n): "\(n) exits"
            }
        lines.append("# interval \(DurationText.format(plan.interval)), \(loops), \(budget)")
        lines.append("# ended: \(endedText)")
        if result.platform == .live || !plan.measures.isEmpty { lines.append("# measures: \(result.measures.reportText)") }
        return lines
    }

    /// `V: 0 (0.0) P: 0 I:1000 C:   1000 Min:      3 Act:    5 Avg:    4 Max:      20`: cyclictest's
    /// `T:` line (`T:%2d (%5d) P:%2d I:%ld C:%7lu Min:%7ld Act:%5ld Avg:%5ld Max:%8ld`) for a VCPU's
    /// timer latency, in whole microseconds (truncated, as cyclictest does).
    func cyclictestLine(_ line: VCPULine) -> String {
        let timer = line.timer.histogram
        let us = { (ns: UInt64) in String(Self.wholeMicroseconds(ns)) }
        return "V:\(String(line.number).leftPadded(to: 2)) (\(line.label)) P:\(String(result.measures.effectivePriority).leftPadded(to: 2))"
            + " I:\(us(plan.interval)) C:\(String(timer.count).leftPadded(to: 7)) Min:\(us(timer.min).leftPadded(to: 7))"
            + " Act:\(us(line.timer.last).leftPadded(to: 5)) Avg:\(us(UInt64(timer.mean)).leftPadded(to: 5))"
            + " Max:\(us(timer.max).leftPadded(to: 8))"
    }

    /// schbench's percentile label: `50.0th`, `99.9th`, `99.99th`.
    static func percentileLabel(_ key: String) -> String {
        let number = key.dropFirst()
        return number + (number.contains(".") ? "" : ".0") + "th"
    }

    /// schbench's percentile block for every kind recorded, in microseconds with three decimals;
    /// p99 is starred, as schbench stars it.
    private var percentileLines: [String] {
        let runtime = Self.decimal(result.endTime, unit: 1_000_000_000, places: 3)
        var lines: [String] = []
        for kind in result.latency.kinds {
            let h = result.latency.histogram(kind)
            lines.append("\(kind) latencies percentiles (usec) runtime \(runtime) (s) (\(h.count) total samples): \(kind.summary)")
            for (key, percent) in LatencyHistogram.reportedPercentiles {
                let marker = key == "p99" ? "*" : " "
                lines.append("\t\(marker) \(Self.percentileLabel(key).padding(to: 7)): \(Self.microseconds(h.percentile(percent)))")
            }
            lines.append("\t  min=\(Self.microseconds(h.min)), max=\(Self.microseconds(h.max)), avg=\(Self.microseconds(UInt64(h.mean)))")
        }
        if lines.isEmpty { lines.append("no latency was recorded") }
        return lines
    }

    /// `perf sched latency`'s table: per VCPU, time in the guest, switches, and the delay from
    /// runnable to in the guest (average, maximum, when the maximum started and ended).
    private var schedLines: [String] {
        let widths = [12, 13, 8, 16, 16, 24, 22]
        let header = ["VCPU", "Runtime ms", "Switches", "Avg delay ms", "Max delay ms", "Max delay start", "Max delay end"]
        let rule = " " + String(repeating: "-", count: widths.reduce(2, +) + 3 * widths.count)
        var lines = [
            "",
            "perf sched latency-style, delay: runnable → in the guest",
            rule,
            "  " + zip(header, widths).map { $0.padding(to: $1) }.joined(separator: " | ") + " |",
            rule,
        ]
        var runtime: UInt64 = 0
        var switches: UInt64 = 0
        for line in vcpuLines {
            let figures = line.figures
            let delay = figures.latency[.runqueue] ?? LatencySeries()
            runtime += figures.runtime
            switches += figures.switches
            lines.append(
                "  \(figures.id.description.padding(to: 12)) | \(Self.milliseconds(figures.runtime).leftPadded(to: 10)) ms"
                    + " | \(String(figures.switches).leftPadded(to: 8))"
                    + " | avg: \(Self.milliseconds(UInt64(delay.histogram.mean)).leftPadded(to: 8)) ms"
                    + " | max: \(Self.milliseconds(delay.histogram.max).leftPadded(to: 8)) ms"
                    + " | max start: \(Self.seconds(delay.maxStart).leftPadded(to: 11)) s"
                    + " | max end: \(Self.seconds(delay.maxEnd).leftPadded(to: 11)) s |")
        }
        lines.append(rule)
        lines.append("  \("TOTAL:".padding(to: 12)) | \(Self.milliseconds(runtime).leftPadded(to: 10)) ms | \(String(switches).leftPadded(to: 8)) |")
        lines.append(rule)
        return lines
    }

    /// The rules checked and broken, as `spe-vm run` counts them.
    private var invariantLines: [String] {
        let violations = result.violations.map(\.description) + result.runtimeViolations.map(\.description)
        var lines = ["invariants: \(result.eventsChecked) events checked, \(violations.count) violations"]
        lines += violations.prefix(RunReport.textViolationLimit).map { "  violation: " + $0 }
        if violations.count > RunReport.textViolationLimit {
            lines.append("  ... \(violations.count - RunReport.textViolationLimit) more (--json lists every violation)")
        }
        return lines
    }
}

extension String {
    /// The string with spaces put in front up to `width` characters.
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
