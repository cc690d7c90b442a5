import SPEDevice

extension Scenario {
    /// The most physical CPUs a scenario may have (the live platform starts a thread for each).
    public static let maximumCPUs = 1024
    /// The most VCPUs a scenario may have, over all its VMs.
    public static let maximumVCPUs = 4096

    /// Checks that the scenario is a run that can be made, before anything is built: at least one
    /// physical CPU and one VM, every VM with a VCPU, SPE attributes only on VMs with SPE, every
    /// SPU naming existing CPUs once, a maximum buffer size `PMBIDR_EL1.MaxBuffSize` can show, and
    /// non-zero budget, time slice, migration period, timer period, guest bound, polling window and
    /// fault intervals, a PCT depth of at least 1, host work within its bound, and hidden features
    /// only on VMs with SPE (a driver setting on a VM without SPE is harmless: its guest has no driver). Every front end (flags, scenario files, replay
    /// files, tests) shares these checks.
    ///
    /// A message starts with the setting at fault, named by its scenario-file key (the flag's name
    /// with `_` for `-`, and `vms[i]` for the i-th VM), then says what is wrong and what is allowed:
    /// `vms[1].spu[0]: CPU 5 has no SPU: the run has 2 physical CPUs (0–1)`.
    public func validate() throws(RuntimeError) {
        guard cpus >= 1 else { throw .scenario("pcpus: a run needs at least one physical CPU, got \(cpus)") }
        guard cpus <= Self.maximumCPUs else {
            throw .scenario("pcpus: at most \(Self.maximumCPUs) physical CPUs, got \(cpus)")
        }
        guard !vms.isEmpty else { throw .scenario("vms: a run needs at least one VM") }
        for (index, vm) in vms.enumerated() {
            try vm.validate(at: "vms[\(index)]", cpus: cpus)
        }
        guard vcpuCount <= Self.maximumVCPUs else {
            throw .scenario("vms: at most \(Self.maximumVCPUs) VCPUs over all VMs, got \(vcpuCount)")
        }
        switch budget {
        case .duration(0): throw .scenario("duration: a run's duration must be longer than 0")
        case .exits(0): throw .scenario("exits: a run's exit budget must be at least 1")
        default: break
        }
        guard timeSlice > 0 else { throw .scenario("time_slice: a time slice must be longer than 0") }
        if migrateEvery == 0 {
            throw .scenario("migrate_every: the migration period must be longer than 0 (leave it out for no migrator)")
        }
        guard hostOperationsPerExit <= PhysicalCPU.maximumHostOperationsPerExit else {
            throw .scenario(
                "host_work: at most \(PhysicalCPU.maximumHostOperationsPerExit) host operations per exit, got \(hostOperationsPerExit)")
        }
        guard timerPeriod > 0 else { throw .scenario("timer_period: a guest's timer period must be longer than 0") }
        if let iterations = guestIterations, iterations < 1 {
            throw .scenario("guest_iterations: a bound on the guests must be at least 1, got \(iterations) (leave it out for none)")
        }
        if case .poll(window: 0) = idle {
            throw .scenario("idle: a polling window must be longer than 0 (use park to sleep at once)")
        }
        if let depth = strategy.depth, depth < 1 {
            throw .scenario("depth: a PCT depth is at least 1 (1: priorities only, no change point), got \(depth)")
        }
        for fault in FaultKind.allCases {
            if faults[fault] == 0 {
                throw .scenario("faults: \(fault)'s mean interval must be longer than 0 (leave the fault out for none)")
            }
        }
    }
}

extension VMScenario {
    /// The checks of one VM, `place` naming it (`vms[1]`).
    func validate(at place: String, cpus: Int) throws(RuntimeError) {
        guard vcpus >= 1 else { throw .scenario("\(place).vcpus: a VM needs at least one VCPU, got \(vcpus)") }
        do {
            _ = try MaxBufferSize(bytes: maxBufferSize)
        } catch {
            throw .scenario("\(place).max_buffer_size: \(error.description)")
        }
        if !hasSPE {
            // KVM refuses SPE attributes on a VCPU of a VM without SPE (SPEDeviceError.vmHasNoSPE).
            if maxBufferSize != 0 {
                throw .scenario("\(place).max_buffer_size: the VM has no SPE (spe is false): a maximum buffer size needs SPE")
            }
            if spu != nil { throw .scenario("\(place).spu: the VM has no SPE (spe is false): an SPU needs SPE") }
            if !hiddenFeatures.isEmpty {
                throw .scenario("\(place).hide: the VM has no SPE (spe is false): only a VM with SPE has PMSIDR_EL1 features to hide")
            }
        }
        guard let spu else { return }
        let cpuRange = cpus == 1 ? "1 physical CPU (0)" : "\(cpus) physical CPUs (0–\(cpus - 1))"
        guard !spu.isEmpty else { throw .scenario("\(place).spu: names no CPU: give at least one of the run's \(cpuRange)") }
        var seen: Set<Int> = []
        for (index, cpu) in spu.enumerated() {
            guard (0..<cpus).contains(cpu) else {
                throw .scenario("\(place).spu[\(index)]: CPU \(cpu) has no SPU: the run has \(cpuRange)")
            }
            guard seen.insert(cpu).inserted else {
                throw .scenario("\(place).spu[\(index)]: CPU \(cpu) is listed twice: name each CPU once")
            }
        }
    }
}
