import SPEDevice
import VCPURuntime

/// Every default of `spe-vm run`, in one place: what runs when a flag and the scenario file both
/// leave a setting out. `docs/decisions.md` ("spe-vm run") gives the reasons.
enum RunDefaults {
    /// 8 VCPUs in 2 VMs on 2 physical CPUs: over-committed 4 to 1, so preemption, migration and
    /// SPE ownership hand-overs happen all the time, on every machine (2 threads fit 2 cores).
    static let vcpus = 8
    static let vms = 2
    static let pcpus = 2
    static let platform = PlatformKind.live
    static let seed: UInt64 = 1
    /// Every VM runs `mixed`: profiling, trapped accesses, hypercalls and timer-driven idle.
    static let workload = WorkloadKind.mixed
    static let hostPerf = false
    /// The migrator moves a VCPU every millisecond (the KVM selftest `arch_timer`'s `-m` order).
    static let migrateEvery: UInt64? = 1_000_000
    static let timeSlice: UInt64 = 1_000_000
    static let idle = IdlePolicy.park
    static let busyGuest = false
    /// No maximum buffer size (`PMBIDR_EL1.MaxBuffSize` 0).
    static let maxBufferSize: UInt64 = 0
    /// Every VM is given every `PMSIDR_EL1` feature the hardware has.
    static let hiddenFeatures: [PMSIDRFeature] = []
    /// The guests' drivers follow DEN0154 and record every sample.
    static let guestDriver = GuestDriverStyle.den0154
    static let guestSampling = GuestSampling.all
    /// The host's exit handling: 200 operations (``PhysicalCPU/defaultHostOperationsPerExit``).
    static let hostWork = PhysicalCPU.defaultHostOperationsPerExit
    /// The simulator picks uniformly among the runnable CPUs.
    static let strategy = ScheduleStrategy.random
    /// A run injects no fault unless asked: it models the design as it runs, `spe-vm stress` hammers it.
    static let faults: [FaultKind: UInt64] = [:]

    /// The live platform runs 2 s of wall time; the simulated one 200,000 exits, because its virtual
    /// time is not wall time (an exit budget bounds its work whatever the workload's pace).
    static let liveDuration: UInt64 = 2_000_000_000
    static let simExits: UInt64 = 200_000

    /// The budget of a run that names none.
    static func budget(on platform: PlatformKind) -> RunBudget {
        switch platform {
        case .live: .duration(liveDuration)
        case .sim: .exits(simExits)
        }
    }
}

/// What a setting given nowhere becomes, per command: `spe-vm run` and `spe-vm stress` read the
/// same settings the same way and differ only in these defaults.
struct SettingDefaults: Sendable {
    var platform: PlatformKind
    /// The budget of a run that names none, on each platform.
    var budget: @Sendable (PlatformKind) -> RunBudget
    var faults: [FaultKind: UInt64]

    static let run = SettingDefaults(platform: RunDefaults.platform, budget: RunDefaults.budget(on:), faults: RunDefaults.faults)
    static let stress = SettingDefaults(
        platform: StressDefaults.platform, budget: StressDefaults.budget(on:), faults: StressDefaults.faults)
}
