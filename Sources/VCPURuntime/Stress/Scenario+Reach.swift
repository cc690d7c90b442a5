import SPEDevice

/// What a scenario must have for a mutation to show: the ingredient without which no seed can
/// break the mutation's rule (a VM with a maximum buffer size for `pmbidr-max-size-not-shown`, a
/// host session for `host-not-paused`, …). Necessary, not sufficient: a scenario with the
/// ingredient may still need seeds to find the failure. `spe-vm run` and `spe-vm stress` warn when
/// a scenario lacks it, so a clean campaign is never mistaken for a checker without teeth.
extension Scenario {
    /// What the scenario lacks for `mutation` to show, said with the settings that would give it;
    /// nil when it has it.
    public func missingIngredient(for mutation: SPEMutation) -> String? {
        let spe = vms.filter(\.hasSPE)
        guard !spe.isEmpty else { return "a VM with SPE (every VM has spe false)" }
        let drivers = spe.filter { $0.workload == .profile || $0.workload == .mixed }
        let hostSession = hostPerf || faults[.hostPerf] != nil
        switch mutation {
        case .pmbidrMaxSizeNotShown:
            return spe.contains { $0.maxBufferSize != 0 } ? nil : "a VM with a maximum buffer size (--max-buffer-size 8192)"
        case .pmsidrNotMasked:
            return spe.contains { !$0.hiddenFeatures.isEmpty } ? nil : "a VM not given a PMSIDR_EL1 feature (--hide FnE)"
        case .discardModeWrites:
            return drivers.contains { $0.sampling == .discard }
                ? nil : "a profiling guest (profile or mixed) in discard mode (--guest-sampling discard)"
        case .dropNotCounted:
            return drivers.contains { $0.sampling.needsTypeFilter && !$0.hiddenFeatures.contains(.FT) }
                ? nil : "a profiling guest (profile or mixed) with a type filter its VM shows (--guest-sampling loads)"
        case .syndromeOverwritten:
            return drivers.contains { $0.driverStyle == .legacy } && faults[.guestMisprogram] != nil
                ? nil : "a profiling guest with the legacy driver (--guest-driver legacy) and the guest-misprogram fault"
        case .samplingWhileStopped:
            return hostSession && hostOperationsPerExit > HostPerfSession.defaultInterval
                ? nil
                : "a host session (--host-perf) with more host work per exit than its \(HostPerfSession.defaultInterval)-operation sampling interval (--host-work 20000)"
        case .hostNotPaused, .noDrainOnExit, .noPMBSRZeroOnEntry, .hostSyndromeDropped:
            return hostSession ? nil : "a host perf session (--host-perf)"
        case .stage2SyndromeToGuest:
            return faults[.stage2Unmap] != nil ? nil : "the stage2-unmap fault"
        case .enableChecksSkipped:
            return faults[.guestMisprogram] != nil ? nil : "the guest-misprogram fault"
        default:
            return nil
        }
    }

    /// What the scenario lacks for the runtime's `mutation` to show; nil when it has it.
    public func missingIngredient(for mutation: RuntimeMutation) -> String? {
        switch mutation {
        case .spuIgnored:
            return vms.contains { $0.hasSPE && ($0.spu.map { Set($0).count < cpus } ?? false) }
                ? nil : "a VM with SPE whose SPU leaves out a physical CPU (a scenario file's \"spu\")"
        default:
            return nil
        }
    }

    /// What the scenario lacks for its own mutation, if it has one, to show.
    public var missingIngredientForItsMutation: String? {
        if let mutation { return missingIngredient(for: mutation) }
        if let runtimeMutation { return missingIngredient(for: runtimeMutation) }
        return nil
    }
}
