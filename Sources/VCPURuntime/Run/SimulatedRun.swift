import HostIRQ
import SPEDevice

/// A whole run on the simulated platform: physical CPUs with their SPE devices and HostIRQ
/// interfaces, VMs, VCPUs living their lifecycle, and a seeded migrator that moves VCPUs every
/// `migrateEvery` nanoseconds (like the arm64 KVM selftest `arch_timer`'s `-m`).
public struct SimulatedRun: Sendable {
    /// One VM of the run.
    public struct VM: Sendable {
        public var hasSPE: Bool
        public var vcpus: Int
        /// The CPUs of its VCPUs' SPU (nil: every CPU).
        public var spu: [Int]?
        /// The VMM's maximum buffer size for the VM's VCPUs, in bytes (0: no limit).
        public var maxBufferSize: UInt64 = 0
        /// The guest of each VCPU (by its index in the VM).
        public var workload: @Sendable (Int) -> any GuestWorkload

        public init(
            hasSPE: Bool = true, vcpus: Int, spu: [Int]? = nil, workload: @escaping @Sendable (Int) -> any GuestWorkload
        ) {
            self.hasSPE = hasSPE
            self.spu = spu
            self.vcpus = vcpus
            self.workload = workload
        }
    }

    public var cpus: Int
    public var vms: [VM]
    public var seed: UInt64
    /// Nanoseconds between migrations; nil: no migrator.
    public var migrateEvery: UInt64?
    public var timeSlice: UInt64 = 1_000_000
    public var hostPerf = false
    public var mutation: SPEMutation?
    /// A deliberately broken variant of the runtime, if any.
    public var runtimeMutation: RuntimeMutation?
    /// Virtual time at which the run stops if it has not ended (a broken model may leave a VCPU
    /// blocked or storming for ever).
    public var timeLimit: UInt64 = 10_000_000_000
    /// When the run ends besides every guest powering off (nil: only then).
    public var budget: RunBudget?
    /// Faults injected, each with its mean interval in nanoseconds (none by default).
    public var faults: [FaultKind: UInt64] = [:]

    public init(cpus: Int, vms: [VM], seed: UInt64, migrateEvery: UInt64? = nil) {
        self.cpus = cpus
        self.vms = vms
        self.seed = seed
        self.migrateEvery = migrateEvery
    }

    /// What a run came to.
    public struct Result: Sendable {
        /// Each VCPU's guest at the end, in VM then VCPU order.
        public var guests: [(id: VCPUID, guest: GuestState)]
        /// Everything the run counted.
        public var figures: RunResult

        public var exits: ExitCounts { figures.exits }
        public var violations: [SPEViolation] { figures.violations }
        /// The runtime rules broken.
        public var runtimeViolations: [RuntimeViolation] { figures.runtimeViolations }
        /// The report of the first SPE rule broken (the run stops at it).
        public var report: ViolationReport? { figures.report }
        public var eventsChecked: UInt64 { figures.eventsChecked }
        public var migrations: Int { Int(figures.migrations) }
        public var escapedJobs: Int { figures.escapedJobs }
        public var outcome: SimulatedPlatform.Outcome { figures.outcome }
        /// The lane picked at every scheduling decision.
        public var decisions: [UInt16] { figures.decisions }
        /// Virtual time at the end.
        public var endTime: UInt64 { figures.endTime }
    }

    /// Runs it to the end.
    public func run() -> Result {
        let platform = SimulatedPlatform(cpus: cpus, seed: seed)
        let plan = RunPlan(
            cpus: cpus,
            vms: vms.map { vm in
                let workload = vm.workload
                return RunPlan.VM(hasSPE: vm.hasSPE, vcpus: vm.vcpus, kind: .mixed, workload: { workload($0.index) },
                    maxBufferSize: vm.maxBufferSize, spu: vm.spu)
            },
            seed: seed, migrateEvery: migrateEvery, timeSlice: timeSlice, hostPerf: hostPerf, mutation: mutation,
            runtimeMutation: runtimeMutation, budget: budget, timeLimit: timeLimit &+ 1)
        var scenario = Scenario(cpus: cpus, vms: vms.map { VMScenario(vcpus: $0.vcpus, hasSPE: $0.hasSPE) },
            budget: budget ?? .duration(timeLimit))
        scenario.faults = faults
        let driven = plan.drive(on: platform, kind: .sim, scenario: scenario)
        return Result(guests: driven.guests.compactMap { entry in entry.guest.map { (entry.id, $0) } }, figures: driven.result)
    }
}
