import VCPURuntime

/// cyclictest's measures on the live platform (`--priority`, `--mlock`, `--pm-qos`), shared by
/// `spe-vm latency` and `spe-vm run`, and how every report says which were in effect.
enum MeasureOptions {
    static let priority = OptionSpec(
        name: "priority", kind: .number(UInt64(LiveMeasures.priorities.lowerBound)...UInt64(LiveMeasures.priorities.upperBound)),
        placeholder: "N", defaultValue: nil,
        help: "live: run the CPU threads at SCHED_FIFO priority N, where permitted (cyclictest's -p)")
    static let mlock = OptionSpec.flag("mlock", "live: lock the process's memory (mlockall), where permitted (cyclictest's -m)")
    static let pmQoS = OptionSpec.flag(
        "pm-qos", "live: hold the CPU-latency QoS at 0 us (/dev/cpu_dma_latency, as cyclictest does), where permitted")

    static let flags = [priority, mlock, pmQoS]

    /// The measures the flags ask for.
    static func measures(_ options: ParsedOptions) -> LiveMeasures {
        var measures = LiveMeasures()
        if case .number(let priority)? = options.values[Self.priority.name] { measures.realtimePriority = Int32(priority) }
        measures.lockMemory = options.isSet(mlock.name)
        measures.holdLatencyQoS = options.isSet(pmQoS.name)
        return measures
    }
}

extension MeasureOutcomes {
    /// Each measure's state in one line: `SCHED_FIFO 80: in effect; mlockall: not asked; …`.
    var reportText: String {
        let name = priority.map { "SCHED_FIFO \($0)" } ?? "real-time priority"
        return ["\(name): \(realtimePriority)", "mlockall: \(lockMemory)", "cpu_dma_latency 0: \(latencyQoS)"]
            .joined(separator: "; ")
    }

    /// Each measure: asked for or not, and in effect or why not (`sched_fifo`: the priority asked for).
    var reportJSON: JSONValue {
        func state(_ state: MeasureState) -> JSONValue {
            switch state {
            case .notAsked: .object(["state": .string("not_asked")])
            case .inEffect: .object(["state": .string("in_effect")])
            case .notTaken(let why): .object(["state": .string("not_taken"), "why": .string(why)])
            }
        }
        var priorityJSON = state(realtimePriority)
        if case .object(var members) = priorityJSON, let priority {
            members["sched_fifo"] = .integer(UInt64(priority))
            priorityJSON = .object(members)
        }
        return .object(["priority": priorityJSON, "mlock": state(lockMemory), "pm_qos": state(latencyQoS)])
    }
}
