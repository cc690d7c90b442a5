extension FaultKind {
    /// **Model decision:** each fault's mean interval in nanoseconds of platform time when
    /// `--faults` names it without one (`--faults migrate` rather than `--faults migrate=200us`).
    /// The default stress seed (8 VCPUs on 2 CPUs, 2,000 exits) lasts about 6 ms of platform
    /// time, so each fault strikes a few times per seed at these rates and several at once often
    /// overlap; the disruptive ones (a stage-2 unmap, a tighter locked-memory limit, a
    /// misprogrammed buffer end a guest's profiling until it reprograms) are rarer.
    public var defaultInterval: UInt64 {
        switch self {
        case .migrate: 500_000
        case .hostPerf: 1_000_000
        case .stage2Unmap: 2_000_000
        case .memlock: 3_000_000
        case .spuriousIRQ: 500_000
        case .kickStorm: 1_000_000
        case .lateIRQ: 500_000
        case .guestMisprogram: 2_000_000
        }
    }

    /// Every fault at its default interval: what `spe-vm stress` injects unless told otherwise.
    public static var allAtDefaultIntervals: [FaultKind: UInt64] {
        Dictionary(uniqueKeysWithValues: allCases.map { ($0, $0.defaultInterval) })
    }
}
