import VCPURuntime

/// The defaults of `spe-vm stress` where they differ from `spe-vm run`'s (``RunDefaults``); the
/// scenario is otherwise the same. `docs/decisions.md` ("spe-vm stress and replay") gives the reasons.
enum StressDefaults {
    /// Seeds run on the simulated platform; `--platform live` is a soak.
    static let platform = PlatformKind.sim
    /// 2,000 exits a seed: about 45 ms of one core in a release build for the default 8 VCPUs on
    /// 2 CPUs, so a campaign runs some 20 seeds a second per thread; enough for every VCPU to
    /// profile, fill its buffer, migrate and be preempted several times.
    static let simExits: UInt64 = 2_000
    /// A live soak lasts 10 s unless `--duration` says otherwise.
    static let liveDuration: UInt64 = 10_000_000_000
    /// Every fault, each at its default interval (``FaultKind/defaultInterval``).
    static let faults = FaultKind.allAtDefaultIntervals
    /// 100 seeds from seed 1, unless `--seeds`, `--seed-start` or `--duration` say otherwise.
    static let seeds: UInt64 = 100
    static let seedStart: UInt64 = 1

    static func budget(on platform: PlatformKind) -> RunBudget {
        switch platform {
        case .sim: .exits(simExits)
        case .live: .duration(liveDuration)
        }
    }
}
