import SPEDevice

/// The deterministic scenario of `spe-vm run`, driven through SPEDevice's synchronous
/// ``SPEWorkbench`` until the concurrent runtime lands: every VCPU programs its own buffer, then in
/// each round every VCPU is loaded on CPU `(vcpu + round) % pcpus` (so VCPUs migrate), runs its
/// operations, and its guest driver services the buffer whenever the in-memory `PMBSR_EL1.S` is set.
struct RunScenario {
    let configuration: RunConfiguration

    /// Runs the scenario and returns what it counted. Nothing in the result but `elapsed` depends on
    /// the wall clock.
    func run() -> RunReport {
        let clock = ContinuousClock()
        let start = clock.now
        let config = configuration
        var bench = SPEWorkbench(cpus: config.pcpus, seed: config.seed, mutation: config.mutation)
        var guest = GuestTally()
        var stopped: String?
        do throws(SPEDeviceError) {
            for _ in 0..<config.vms { bench.addVM() }
            for v in 0..<config.vcpus { try bench.addVCPU(vm: v % config.vms) }
            if config.hostPerf {
                for cpu in 0..<config.pcpus { bench.setHostSession(true, cpu: cpu) }
            }
            for v in 0..<config.vcpus {
                try bench.load(v, on: v % config.pcpus)
                try bench.programBuffer(
                    v, base: RunConfiguration.bufferBase(v), size: RunConfiguration.bufferSize,
                    interval: RunConfiguration.interval)
            }
            rounds: for round in 0..<config.rounds {
                for v in 0..<config.vcpus {
                    try bench.load(v, on: Int((UInt64(v) + round) % UInt64(config.pcpus)))
                    try bench.run(v, operations: config.operations)
                    if bench.vcpus[v].spe.memory.PMBSR.S {
                        if let problem = Self.driverRefusal(bench.vcpus[v], index: v) {
                            stopped = problem
                            break rounds
                        }
                        let records = try bench.serviceBuffer(v, restartAt: RunConfiguration.bufferBase(v))
                        guest.services += 1
                        guest.records += UInt64(records.count)
                        guest.truncated += UInt64(records.filter(\.truncated).count)
                    }
                }
            }
            for v in 0..<config.vcpus { bench.put(v) }
        } catch {
            stopped = "the model refused a step: \(error.description)"
        }
        let elapsed = start.duration(to: clock.now)
        return RunReport(
            configuration: config, workbench: bench, guest: guest, stopped: stopped,
            elapsedSeconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
    }
}

extension RunScenario {
    /// The guest driver's sanity check before it consumes its records: the records lie between
    /// where the buffer started and the in-memory `PMBPTR_EL1`, both inside the VCPU's own buffer.
    /// A broken model can leave another owner's pointer there; a driver then refuses to read, and
    /// the run stops (its violations are still reported).
    static func driverRefusal(_ vcpu: VCPUSPEContext, index v: Int) -> String? {
        let base = RunConfiguration.bufferBase(v)
        let buffer = base...(base + RunConfiguration.bufferSize)
        let start = vcpu.spe.bufferBase
        let pointer = vcpu.spe.memory.PMBPTR.PTR
        guard buffer.contains(start), buffer.contains(pointer), start <= pointer else {
            return "the guest driver of \(vcpu.id) stopped: PMBPTR_EL1 0x\(String(pointer, radix: 16)) (buffer start "
                + "0x\(String(start, radix: 16))) is outside its buffer [0x\(String(base, radix: 16)), "
                + "0x\(String(base + RunConfiguration.bufferSize, radix: 16))), so its records cannot be consumed"
        }
        return nil
    }
}

/// What the guests' SPE drivers did.
struct GuestTally: Equatable, Sendable {
    /// Times a driver serviced its buffer.
    var services: UInt64 = 0
    /// Records the drivers consumed (decoded), and of those cut short by a lost partial record.
    var records: UInt64 = 0
    var truncated: UInt64 = 0
}
