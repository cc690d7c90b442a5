import SPEDevice
import VCPURuntime

/// The settings of `spe-vm run`: its flags, which are also the keys of a scenario file (`-` written
/// `_`: `--max-buffer-size` is `max_buffer_size`), and the keys of a scenario file's VM sections.
enum RunOptions {
    static let vcpus = OptionSpec(
        name: "vcpus", kind: .number(1...UInt64(Scenario.maximumVCPUs)), placeholder: "N",
        defaultValue: "\(RunDefaults.vcpus)", help: "virtual CPUs, spread over the VMs round robin")
    static let pcpus = OptionSpec(
        name: "pcpus", kind: .number(1...UInt64(Scenario.maximumCPUs)), placeholder: "N",
        defaultValue: "\(RunDefaults.pcpus)", help: "physical CPUs, each with an SPE unit")
    static let vms = OptionSpec(
        name: "vms", kind: .number(1...UInt64(Scenario.maximumVCPUs)), placeholder: "N",
        defaultValue: "\(RunDefaults.vms), at most --vcpus",
        help: "VMs, all with SPE; VM i gets vcpus/vms VCPUs, the first vcpus%vms one more")
    static let platform = OptionSpec(
        name: "platform", kind: .choice(PlatformKind.allCases.map(\.rawValue), expected: "live or sim"),
        placeholder: "live|sim", defaultValue: RunDefaults.platform.rawValue,
        help: "live: a thread per physical CPU and the real clock; sim: deterministic, virtual time")
    static let seed = OptionSpec(
        name: "seed", kind: .number(0...UInt64.max), placeholder: "N", defaultValue: "\(RunDefaults.seed)",
        help: "seed of every random choice (on sim, the same seed and flags give the same run)")
    static let duration = OptionSpec(
        name: "duration", kind: .duration(off: false), placeholder: "D",
        defaultValue: "\(DurationText.format(RunDefaults.liveDuration)) on live", help: "run for D of platform time")
    static let exits = OptionSpec(
        name: "exits", kind: .number(1...UInt64.max), placeholder: "N", defaultValue: "\(RunDefaults.simExits) on sim",
        help: "run until N exits were taken, over all CPUs (give --duration or --exits, not both)")
    static let workload = OptionSpec(
        name: "workload",
        kind: .choice(WorkloadKind.allCases.map(\.rawValue), expected: "one of \(WorkloadKind.allCases.map(\.rawValue).joined(separator: ", "))"),
        placeholder: "NAME", defaultValue: RunDefaults.workload.rawValue,
        help: "every VM's guest (workloads are listed above)")
    static let hostPerf = OptionSpec.flag("host-perf", "run the host's own perf session (SPE) on every physical CPU")
    static let hostWork = OptionSpec(
        name: "host-work", kind: .number(0...PhysicalCPU.maximumHostOperationsPerExit), placeholder: "OPS",
        defaultValue: "\(RunDefaults.hostWork)",
        help: "operations of host work after every exit, interrupts masked (1 ns each; a host session samples them)")
    static let hide = OptionSpec(
        name: "hide", kind: .features, placeholder: "LIST", defaultValue: FeatureList.format(RunDefaults.hiddenFeatures),
        help: "PMSIDR_EL1 features every VM is not given (\(PMSIDRFeature.allCases.map(\.rawValue).joined(separator: ",")), or none); KVM shows them as 0")
    static let guestDriver = OptionSpec(
        name: "guest-driver",
        kind: .choice(GuestDriverStyle.allCases.map(\.rawValue), expected: "den0154 or legacy"),
        placeholder: "den0154|legacy", defaultValue: RunDefaults.guestDriver.rawValue,
        help: "the order the guests' SPE drivers re-arm a full buffer in: "
            + GuestDriverStyle.allCases.map { "\($0) (\($0.summary))" }.joined(separator: "; "))
    static let guestSampling = OptionSpec(
        name: "guest-sampling",
        kind: .choice(GuestSampling.allCases.map(\.rawValue), expected: "one of \(GuestSampling.allCases.map(\.rawValue).joined(separator: ", "))"),
        placeholder: "NAME", defaultValue: RunDefaults.guestSampling.rawValue,
        help: "what the guests' SPE drivers record: "
            + GuestSampling.allCases.map { "\($0): \($0.summary)" }.joined(separator: "; "))
    static let migrateEvery = OptionSpec(
        name: "migrate-every", kind: .duration(off: true), placeholder: "D|off",
        defaultValue: RunDefaults.migrateEvery.map(DurationText.format) ?? "off",
        help: "the migrator moves a VCPU to another CPU every D; off: no migrator")
    static let maxBufferSize = OptionSpec(
        name: "max-buffer-size", kind: .bufferSize, placeholder: "BYTES",
        defaultValue: RunDefaults.maxBufferSize == 0 ? "0, no limit" : "\(RunDefaults.maxBufferSize)",
        help: "every VM's maximum buffer size; PMBIDR_EL1.MaxBuffSize must show it exactly")
    static let idle = OptionSpec(
        name: "idle", kind: .choice(["park", "poll"], expected: "park or poll"), placeholder: "park|poll",
        defaultValue: RunDefaults.idle.description,
        help: "live: an idle physical CPU sleeps at once (park) or spins \(DurationText.format(IdlePolicy.defaultPollWindow)) first (poll)")
    static let busyGuest = OptionSpec.flag(
        "busy-guest", "live: guest time spins on its CPU instead of sleeping (starves other threads when CPUs outnumber cores)")
    static let timeSlice = OptionSpec(
        name: "time-slice", kind: .duration(off: false), placeholder: "D",
        defaultValue: DurationText.format(RunDefaults.timeSlice), help: "a VCPU runs D before the host scheduler preempts it")
    static let mutation = OptionSpec(
        name: "mutation",
        kind: .choice(RunMutation.all.map(\.name), expected: "a mutation name 'spe-vm mutations' lists (e.g. no-service-clear-on-exit)"),
        placeholder: "NAME", defaultValue: nil, help: "run a deliberately broken variant of the model (spe-vm mutations)")
    static let strategy = OptionSpec(
        name: "strategy", kind: .choice(ScheduleStrategy.names, expected: "random or pct"), placeholder: "random|pct",
        defaultValue: RunDefaults.strategy.name,
        help: "sim: how the scheduler picks the next CPU to run: uniformly (random), or by PCT priorities (pct)")
    static let depth = OptionSpec(
        name: "depth", kind: .number(1...1000), placeholder: "D", defaultValue: "\(ScheduleStrategy.defaultDepth)",
        help: "pct: its depth; D - 1 priority change points (pct only)")
    static let faults = OptionSpec(
        name: "faults", kind: .faults, placeholder: "LIST", defaultValue: FaultList.format(RunDefaults.faults),
        help: "faults to inject: none, all, or names with optional =D mean intervals (migrate,host-perf=2ms)")
    static let scenario = OptionSpec(
        name: "scenario", kind: .path, placeholder: "FILE.json", defaultValue: nil,
        help: "read the settings from a JSON file (see above); flags override it")
    static let json = OptionSpec.flag("json", "print the report as one JSON object")

    /// Every flag of `spe-vm run`, in the order `--help` lists them.
    static let flags: [OptionSpec] = [
        vcpus, pcpus, vms, platform, seed, duration, exits, workload, hostPerf, hostWork, migrateEvery, maxBufferSize,
        hide, guestDriver, guestSampling, idle, busyGuest, timeSlice, strategy, depth, faults, mutation, scenario, json,
    ]

    /// The settings a scenario file gives at its top level: every flag but `--scenario` and `--json`.
    static let settings: [OptionSpec] = flags.filter { $0 != scenario && $0 != json }

    /// Whether a VM has SPE (scenario files only; the flags give every VM SPE).
    static let spe = OptionSpec.flag("spe", "the VM has SPE (default true)")
    /// A VM's locked-memory limit (scenario files only).
    static let lockedMemoryLimit = OptionSpec(
        name: "locked-memory-limit", kind: .number(0...UInt64.max), placeholder: "BYTES", defaultValue: "no limit",
        help: "the VM's locked-memory limit in bytes")
    /// The settings of a scenario file's VM section, besides `spu`.
    static let vmSettings: [OptionSpec] = [
        vcpus, spe, workload, maxBufferSize, lockedMemoryLimit, hide, guestDriver, guestSampling,
    ]
    /// The key of a VM section's SPU, the physical CPUs its VCPUs may run on.
    static let spuKey = "spu"
}

extension OptionSpec {
    /// The setting's key in a scenario file: the flag's name with `_` for `-`.
    var key: String { String(name.map { $0 == "-" ? "_" : $0 }) }
}
