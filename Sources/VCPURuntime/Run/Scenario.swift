import SPEDevice

/// The guest a VCPU runs, by name (`--workload`).
public enum WorkloadKind: String, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    /// A sampling loop with the guest's SPE driver servicing its buffer.
    case profile
    /// Profiling plus trapped register accesses, hypercalls and timer-driven idle.
    case mixed
    /// Virtual-timer-driven WFI: the cyclictest-in-a-guest pattern.
    case idle
    /// Trapped SPE register accesses as fast as the guest can make them.
    case trapStorm = "trap-storm"

    public var description: String { rawValue }

    /// What the workload does, for `--help`.
    public var summary: String {
        switch self {
        case .profile: "a sampling loop; the guest's SPE driver services its buffer in DEN0154's order"
        case .mixed: "profile plus trapped accesses, hypercalls and timer-driven idle"
        case .idle: "virtual-timer-driven WFI (cyclictest in a guest)"
        case .trapStorm: "trapped SPE register accesses as fast as possible"
        }
    }
}

/// What a physical CPU does when it has nothing to run (live platform).
public enum IdlePolicy: Hashable, Sendable, CustomStringConvertible {
    /// Sleep at once until work arrives.
    case park
    /// Spin for `window` nanoseconds first, then sleep.
    case poll(window: UInt64)

    /// The polling window of `--idle poll`.
    public static let defaultPollWindow: UInt64 = 50_000

    public var description: String {
        switch self {
        case .park: "park"
        case .poll(let window): "poll (\(window) ns, then park)"
        }
    }
}

/// Which platform a run uses.
public enum PlatformKind: String, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    /// One thread per physical CPU, the real clock.
    case live
    /// The deterministic simulator: one thread, virtual time, seeded schedule.
    case sim

    public var description: String { rawValue }
}

/// When a run ends (besides every guest powering off or a broken rule).
public enum RunBudget: Hashable, Sendable, CustomStringConvertible {
    /// After this many nanoseconds of platform time.
    case duration(UInt64)
    /// Once this many exits have been taken, over all CPUs (exits in flight still complete).
    case exits(UInt64)

    public var description: String {
        switch self {
        case .duration(let ns): "\(ns) ns"
        case .exits(let n): "\(n) exits"
        }
    }
}

/// One VM of a scenario.
public struct VMScenario: Hashable, Sendable {
    /// Whether the VM has SPE (its VCPUs get the SPE attributes).
    public var hasSPE = true
    public var vcpus: Int
    public var workload: WorkloadKind = .mixed
    /// The VMM's maximum buffer size for its VCPUs, in bytes (0: no limit).
    public var maxBufferSize: UInt64 = 0
    /// The VM's locked-memory limit in bytes (nil: no limit).
    public var lockedMemoryLimit: UInt64?
    /// The CPUs whose SPU the VM's VCPUs may use (nil: every CPU).
    public var spu: [Int]?
    /// The `PMSIDR_EL1` features the VMM hides from the VM (KVM's trapped read shows them as 0).
    public var hiddenFeatures: [PMSIDRFeature] = []
    /// How the guests' SPE drivers re-arm their buffers, and what they ask of the unit.
    public var driverStyle = GuestDriverStyle.den0154
    public var sampling = GuestSampling.all

    public init(vcpus: Int, workload: WorkloadKind = .mixed, hasSPE: Bool = true) {
        self.vcpus = vcpus
        self.workload = workload
        self.hasSPE = hasSPE
    }
}

/// Everything a run is: its machine, VMs, schedule settings and budget. The same scenario and seed
/// on the simulated platform give the same run.
public struct Scenario: Hashable, Sendable {
    public var cpus: Int
    public var vms: [VMScenario]
    public var seed: UInt64 = 1
    public var budget: RunBudget
    /// Nanoseconds between the migrator's moves (nil: no migrator).
    public var migrateEvery: UInt64?
    /// A host perf session on every physical CPU.
    public var hostPerf = false
    /// Operations of host work after every exit (KVM's exit handling, sampled by a host session),
    /// run with host interrupts masked; each takes ``PhysicalCPU/nanosecondsPerOperation``.
    public var hostOperationsPerExit = PhysicalCPU.defaultHostOperationsPerExit
    /// Nanoseconds a VCPU runs before the host scheduler preempts it.
    public var timeSlice: UInt64 = 1_000_000
    /// Live platform: what an idle CPU does, and whether guest time spins instead of sleeping.
    public var idle: IdlePolicy = .park
    public var busyGuest = false
    public var mutation: SPEMutation?
    public var runtimeMutation: RuntimeMutation?
    /// Faults injected, each with its mean interval in nanoseconds of platform time (none by default).
    public var faults: [FaultKind: UInt64] = [:]
    /// Nanoseconds between the ticks of every guest's virtual timer (`idle`, and `mixed`'s idle).
    public var timerPeriod: UInt64 = GuestSetup.defaultTimerPeriod
    /// A bound on every guest (nil, the default: none, the budget ends the run): `idle` takes this
    /// many timer interrupts, `profile` runs this many chunks, `mixed` this many rounds,
    /// `trap-storm` this many accesses; then the guest finishes cleanly and powers off, and a run
    /// whose guests all powered off ends.
    public var guestIterations: Int?
    /// How the simulated platform picks the next lane (the live platform has no choice to make):
    /// with the seed, what a simulated run is.
    public var strategy: ScheduleStrategy = .random

    public init(cpus: Int, vms: [VMScenario], budget: RunBudget) {
        self.cpus = cpus
        self.vms = vms
        self.budget = budget
    }

    /// Every VCPU of the scenario.
    public var vcpuCount: Int { vms.reduce(0) { $0 + $1.vcpus } }
}
