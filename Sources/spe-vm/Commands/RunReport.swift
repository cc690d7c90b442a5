import Foundation
import SPEDevice

/// What a `spe-vm run` counted, summed over the workbench's devices and VCPUs, with its text and
/// JSON forms. Everything but `elapsedSeconds` is a function of the configuration.
struct RunReport: Sendable {
    let configuration: RunConfiguration
    let exits: SPEWorkbench.ExitCounts
    /// The SPE units' counters, summed over the physical CPUs.
    let unit: SPEUnitCounters
    /// KVM's per-VCPU counters, summed over the VCPUs.
    let kvm: VCPUSPECounters
    let guest: GuestTally
    let hostRecordsConsumed: UInt64
    let hostInterruptsHandled: UInt64
    let spuriousHostInterrupts: UInt64
    let eventsChecked: UInt64
    let violations: [SPEViolation]
    /// Why the scenario stopped early: the model refused a step, or a guest driver refused its
    /// buffer (a broken model's doing); nil when it ran to the end.
    let stopped: String?
    let elapsedSeconds: Double

    static let title = "spe-vm run: KVM arm64 guest SPE model (v6 RFC series), synchronous workbench"
    /// Violations the text report prints one by one; `--json` lists all.
    static let textViolationLimit = 50

    init(configuration: RunConfiguration, workbench bench: SPEWorkbench, guest: GuestTally, stopped: String?, elapsedSeconds: Double) {
        self.configuration = configuration
        exits = bench.exits
        unit = bench.devices.reduce(into: SPEUnitCounters()) { $0.add($1.unit.counters) }
        kvm = bench.vcpus.reduce(into: VCPUSPECounters()) { $0.add($1.spe.counters) }
        self.guest = guest
        hostRecordsConsumed = bench.devices.reduce(0) { $0 + ($1.host?.recordsConsumed ?? 0) }
        hostInterruptsHandled = bench.devices.reduce(0) { $0 + ($1.host?.interruptsHandled ?? 0) }
        spuriousHostInterrupts = bench.devices.reduce(0) { $0 + $1.spuriousInterrupts }
        eventsChecked = bench.eventsChecked
        violations = bench.violations
        self.stopped = stopped
        self.elapsedSeconds = elapsedSeconds
    }

    /// The exit status: 0 clean, 1 when a rule was broken or the scenario had to stop.
    var status: ExitStatus { violations.isEmpty && stopped == nil ? .success : .violations }

    var exitsPerSecond: Double { elapsedSeconds > 0 ? Double(exits.total) / elapsedSeconds : 0 }

    /// Dropped samples by reason, every reason listed.
    var droppedByReason: [(DropReason, UInt64)] { DropReason.allCases.map { ($0, unit.dropped[$0] ?? 0) } }

    /// Violations by rule, in rule order, rules with none left out.
    var violationsByRule: [(SPERule, Int)] {
        SPERule.allCases.compactMap { rule in
            let n = violations.filter { $0.rule == rule }.count
            return n == 0 ? nil : (rule, n)
        }
    }

    // MARK: Text

    var text: String {
        let c = configuration
        var lines = [Self.title]
        lines.append("configuration: \(c.vcpus) VCPUs on \(c.pcpus) physical CPUs, \(c.vms) VMs (all with SPE),"
            + " \(c.rounds) rounds of \(c.operations) operations per VCPU")
        lines.append("  seed \(c.seed), host perf \(c.hostPerf ? "on every CPU" : "off"), mutation \(c.mutation?.rawValue ?? "none")")
        lines.append("  buffers 16 KiB per VCPU at 0x80000000 + vcpu * 0x100000, sampling interval \(RunConfiguration.interval)")
        lines.append("exits: sysreg \(exits.sysreg), irq \(exits.irq), preemption \(exits.preemption),"
            + " locked-memory \(exits.lockedMemory), total \(exits.total)")
        lines.append("spe records: sampled \(unit.sampled), written \(unit.written) (\(unit.bytesWritten) bytes),"
            + " dropped \(unit.droppedTotal)")
        lines.append("  dropped by reason: " + droppedByReason.map { "\($0.0.rawValue) \($0.1)" }.joined(separator: ", "))
        lines.append("management events: \(kvm.managementEvents) to guests (hardware events \(unit.managementEvents),"
            + " enable refusals \(kvm.enableRefusals.values.reduce(0, +)))")
        lines.append("pins: \(kvm.pins), bytes pinned \(kvm.bytesPinned), unpins \(kvm.unpins)")
        lines.append("host: records consumed \(hostRecordsConsumed), interrupts handled \(hostInterruptsHandled),"
            + " spurious interrupts \(spuriousHostInterrupts)")
        lines.append("guest: records consumed \(guest.records) (truncated \(guest.truncated)), buffers serviced \(guest.services),"
            + " virtual line changes \(kvm.virtualLineChanges)")
        lines.append("invariants: \(eventsChecked) events checked, \(violations.count) violations")
        for (rule, n) in violationsByRule { lines.append("  \(rule.rawValue): \(n)") }
        for violation in violations.prefix(Self.textViolationLimit) { lines.append("  violation: \(violation)") }
        if violations.count > Self.textViolationLimit {
            lines.append("  ... \(violations.count - Self.textViolationLimit) more (--json lists every violation)")
        }
        if let stopped { lines.append("stopped early: \(stopped)") }
        if status != .success { lines.append("replay: \(c.commandLine)") }
        lines.append(String(format: "timing (wall clock, varies run to run): %.3f s elapsed, %.0f exits per second",
            elapsedSeconds, exitsPerSecond))
        return lines.joined(separator: "\n")
    }

    // MARK: JSON

    /// The report as one JSON object; without its `timing` member it is the same for the same flags.
    var json: JSONValue {
        let c = configuration
        var dropped: [String: JSONValue] = [:]
        for (reason, n) in droppedByReason { dropped[reason.rawValue] = .integer(n) }
        var refusals: [String: JSONValue] = [:]
        for refusal in EnableRefusal.allCases { refusals[refusal.rawValue] = .integer(kvm.enableRefusals[refusal] ?? 0) }
        var object: [String: JSONValue] = [
            "config": .object([
                "vcpus": .integer(UInt64(c.vcpus)),
                "pcpus": .integer(UInt64(c.pcpus)),
                "vms": .integer(UInt64(c.vms)),
                "rounds": .integer(c.rounds),
                "operations": .integer(c.operations),
                "host_perf": .bool(c.hostPerf),
                "mutation": c.mutation.map { .string($0.rawValue) } ?? .null,
                "buffer_bytes": .integer(RunConfiguration.bufferSize),
                "interval": .integer(RunConfiguration.interval),
            ]),
            "seed": .integer(c.seed),
            "exits": .object([
                "sysreg": .integer(exits.sysreg),
                "irq": .integer(exits.irq),
                "preemption": .integer(exits.preemption),
                "locked_memory": .integer(exits.lockedMemory),
                "total": .integer(exits.total),
            ]),
            "spe": .object([
                "samples": .integer(unit.sampled),
                "records_written": .integer(unit.written),
                "bytes_written": .integer(unit.bytesWritten),
                "records_dropped": .object(dropped),
                "management_events": .integer(kvm.managementEvents),
                "hardware_management_events": .integer(unit.managementEvents),
                "enable_refusals": .object(refusals),
                "pins": .integer(kvm.pins),
                "bytes_pinned": .integer(kvm.bytesPinned),
                "unpins": .integer(kvm.unpins),
                "guest_records_consumed": .integer(guest.records),
                "guest_records_truncated": .integer(guest.truncated),
                "guest_buffers_serviced": .integer(guest.services),
                "host_records_consumed": .integer(hostRecordsConsumed),
            ]),
            "interrupts": .object([
                "host_handled": .integer(hostInterruptsHandled),
                "host_spurious": .integer(spuriousHostInterrupts),
                "virtual_line_changes": .integer(kvm.virtualLineChanges),
            ]),
            "invariants": .object([
                "checked": .integer(eventsChecked),
                "violations": .array(violations.map { violation in
                    .object([
                        "rule": .string(violation.rule.rawValue),
                        "cpu": .integer(UInt64(violation.cpu)),
                        "vcpu": violation.vcpu.map { .string($0.description) } ?? .null,
                        "event": .integer(violation.event),
                        "detail": .string(violation.detail),
                    ])
                }),
            ]),
            "timing": .object([
                "elapsed_seconds": .number(elapsedSeconds),
                "exits_per_second": .number(exitsPerSecond),
            ]),
        ]
        if let stopped { object["stopped"] = .string(stopped) }
        return .object(object)
    }
}

