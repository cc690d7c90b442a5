import Foundation
import SPEDevice
import VCPURuntime

extension RunReport {
    /// The width of a section's label.
    private static let labelWidth = 14

    /// `label` padded, then `value`.
    private static func line(_ label: String, _ value: String, indent: Int = 0) -> String {
        String(repeating: " ", count: indent) + label.padding(to: labelWidth - indent) + " " + value
    }

    /// The report as text: the model, the configuration, what the run counted, the rules checked
    /// and broken, profiling blackout, scheduling latency, and the wall-clock timing last.
    var text: String {
        let r = result
        var lines = [
            "spe-vm run: \(Self.model)",
            "These are the model's figures on this host: not measurements of KVM or of hardware.",
            "",
            "configuration",
        ]
        lines += configurationLines.map { "  " + $0 }
        lines.append(Self.line("ended", endedText))
        lines.append(Self.line("exits", "total \(r.exits.total): " + ExitReason.allCases.map { "\($0.rawValue) \(r.exits[$0])" }.joined(separator: ", ")))
        lines.append(Self.line(
            "spe records",
            "sampled \(r.unit.sampled), written \(r.unit.written) (\(r.unit.bytesWritten) bytes), dropped \(r.unit.droppedTotal): "
                + DropReason.allCases.map { "\($0.rawValue) \(r.unit.dropped[$0] ?? 0)" }.joined(separator: ", ")
                + (r.unit.inFlight > 0 ? "; in flight at the end \(r.unit.inFlight)" : "")))
        lines.append(Self.line(
            "management",
            "\(r.kvm.managementEvents) events to guests (hardware events \(r.unit.managementEvents); enable refusals: "
                + EnableRefusal.allCases.map { "\($0.rawValue) \(r.kvm.enableRefusals[$0] ?? 0)" }.joined(separator: ", ") + ")"))
        lines.append(Self.line(
            "pins",
            "\(r.kvm.pins) pins (\(r.kvm.bytesPinned) bytes), \(r.kvm.unpins) unpins, \(DurationText.describe(r.kvm.pinNanoseconds)) pinning, "
                + "\(r.kvm.lockedMemoryExits) locked-memory exits"))
        lines.append(Self.line("trapped", "\(r.kvm.trappedReads) reads, \(r.kvm.trappedWrites) writes of SPE registers"))
        lines.append(Self.line(
            "guest drivers",
            "\(r.drivers.interrupts) SPE interrupts, \(r.drivers.recordsConsumed) records consumed (\(r.drivers.truncatedRecords) truncated), "
                + "\(r.drivers.faults) faults"))
        lines.append(Self.line(
            "host perf",
            "\(r.host.recordsConsumed) records consumed, \(r.host.interruptsHandled) interrupts handled, \(r.host.spuriousInterrupts) spurious"))
        lines.append("interrupts")
        lines.append(Self.line("physical", InterruptNames.text(r.physicalInterrupts), indent: 2))
        let v = r.virtualInterrupts
        lines.append(Self.line(
            "virtual",
            "injected \(v.injected), delivered \(v.delivered), maintenance exits \(v.maintenanceExits), kicks \(v.kicksSent), wakes \(v.wakes)",
            indent: 2))
        lines.append(Self.line("guest-taken", InterruptNames.text(r.guestInterrupts), indent: 2))
        lines.append(Self.line("scheduling", "\(r.migrations) migrations by the migrator, \(r.balancingMoves) balancing moves"))
        lines += invariantLines
        lines.append(Self.line(
            "blackout",
            "\(DurationText.describe(r.blackoutNanoseconds)) over \(r.blackouts) stops (a guest's buffer stopped, waiting for its driver)"))
        lines.append(Self.line("latency", latencyText))
        lines.append(Self.line(
            "timing",
            "\(String(format: "%.3f", r.wallSeconds)) s of wall time, \(String(format: "%.0f", exitsPerSecond)) exits/s (wall clock: varies run to run)"))
        if status != .success { lines.append(Self.line("replay", replay)) }
        return lines.joined(separator: "\n")
    }

    /// The configuration section's lines.
    private var configurationLines: [String] {
        let s = result.scenario
        var lines: [String] = []
        switch result.platform {
        case .sim:
            lines.append(Self.line("platform", "sim: deterministic, virtual time, seeded schedule", indent: 0))
        case .live:
            let load = result.oversubscribed
                ? "\(s.cpus) physical CPUs on \(onlineCores) online cores: oversubscribed"
                : "\(s.cpus) physical CPUs on \(onlineCores) online cores"
            lines.append(Self.line("platform", "live: a thread per physical CPU, the real clock; \(load)", indent: 0))
            lines.append(Self.line("measures", result.measures.reportText))
        }
        lines.append(Self.line("machine", "\(s.cpus) physical CPUs, \(s.vcpuCount) VCPUs in \(s.vms.count) VMs"))
        for group in Self.vmGroups(s.vms) {
            let name = group.first == group.last ? "vm\(group.first)" : "vm\(group.first)-vm\(group.last)"
            let each = group.first == group.last ? "" : " each"
            lines.append(Self.line(name, "\(s.vms[group.first].vcpus) VCPUs\(each), " + Self.describe(s.vms[group.first], cpus: s.cpus)))
        }
        let budget =
            switch s.budget {
            case .duration(let ns): "\(DurationText.describe(ns)) of platform time"
            case .exits(let n): "\(n) exits"
            }
        lines.append(Self.line("budget", budget))
        lines.append(Self.line("seed", "\(s.seed)"))
        let migration = s.migrateEvery.map { "migrate every \(DurationText.format($0))" } ?? "no migrator"
        let strategy = result.platform == .sim ? ", strategy \(s.strategy)" : ""
        lines.append(Self.line("schedule", "time slice \(DurationText.format(s.timeSlice)), \(migration)\(strategy)"))
        let liveOnly = result.platform == .live ? "" : " (live platform only)"
        lines.append(Self.line("idle", "\(s.idle), busy guest \(s.busyGuest ? "on" : "off")\(liveOnly)"))
        lines.append(Self.line("host perf", s.hostPerf ? "a session on every physical CPU" : "off"))
        lines.append(Self.line("host work", "\(s.hostOperationsPerExit) operations after every exit"))
        lines.append(Self.line("faults", FaultList.format(s.faults)))
        lines.append(Self.line("mutation", RunMutation(s).map { "\($0.name) (breaks \($0.rule))" } ?? "none"))
        return lines
    }

    /// Runs of consecutive equal VMs, as index ranges.
    private static func vmGroups(_ vms: [VMScenario]) -> [(first: Int, last: Int)] {
        var groups: [(first: Int, last: Int)] = []
        for index in vms.indices {
            if let last = groups.last, vms[last.last] == vms[index] {
                groups[groups.count - 1].last = index
            } else {
                groups.append((index, index))
            }
        }
        return groups
    }

    /// A VM's settings besides its VCPU count.
    private static func describe(_ vm: VMScenario, cpus: Int) -> String {
        var parts = [vm.hasSPE ? "SPE" : "no SPE", "workload \(vm.workload)"]
        if vm.hasSPE {
            parts.append("max buffer size " + (vm.maxBufferSize == 0 ? "no limit" : "\(vm.maxBufferSize) bytes"))
            parts.append("SPU " + (vm.spu.map { $0.map(String.init).joined(separator: ",") } ?? "every CPU"))
            if !vm.hiddenFeatures.isEmpty { parts.append("PMSIDR_EL1 hides \(FeatureList.format(vm.hiddenFeatures))") }
            if vm.driverStyle != .den0154 { parts.append("\(vm.driverStyle) driver order") }
            if vm.sampling != .all { parts.append("guest sampling \(vm.sampling)") }
        }
        parts.append("locked memory " + (vm.lockedMemoryLimit.map { "\($0) bytes" } ?? "no limit"))
        return parts.joined(separator: ", ")
    }

    /// How the run ended, and at what platform time.
    private var endedText: String {
        let how: String
        if case .unfinished(let why) = verdict {
            how = "did not end cleanly: \(why)"
        } else {
            how =
                switch result.outcome {
                case .finished: "finished: every task ended"
                case .timeLimit(let live): "its duration passed (\(live) tasks alive)"
                case .stopped(let live): "stopped at a broken rule (\(live) tasks alive)"
                case .deadlock(let live): "deadlock (\(live) tasks alive)"
                case .livelock(let live): "livelock (\(live) tasks alive)"
                }
        }
        return "\(how), at \(DurationText.describe(result.endTime)) of platform time"
    }

    /// The invariants section: counts, each violation (up to the limit), the first one's report.
    private var invariantLines: [String] {
        let all = violationLines
        var lines = [Self.line("invariants", "\(result.eventsChecked) events checked, \(all.count) violations")]
        lines += all.prefix(Self.textViolationLimit).map { "  violation: " + $0 }
        if all.count > Self.textViolationLimit {
            lines.append("  ... \(all.count - Self.textViolationLimit) more (--json lists every violation)")
        }
        if let report = result.report {
            lines.append("  the first broken rule:")
            lines += report.lines(replay: replay).map { "    " + $0 }
        }
        return lines
    }

    /// Scheduling latency, runnable → in guest.
    private var latencyText: String {
        let h = result.schedulingLatency
        guard h.count > 0 else { return "runnable → in guest: no samples" }
        return "runnable → in guest: min \(DurationText.describe(h.min)), p50 \(DurationText.describe(h.percentile(50))), "
            + "p99 \(DurationText.describe(h.percentile(99))), max \(DurationText.describe(h.max)) (\(h.count) samples)"
    }
}
