import HostIRQ
import SPEDevice
import Synchronization

/// A whole run on the simulated platform: physical CPUs with their SPE devices and HostIRQ
/// interfaces, VMs, VCPUs living their lifecycle, and a seeded migrator that moves VCPUs every
/// `migrateEvery` nanoseconds (like the arm64 KVM selftest `arch_timer`'s `-m`).
public struct SimulatedRun: Sendable {
    /// One VM of the run.
    public struct VM: Sendable {
        public var hasSPE: Bool
        public var vcpus: Int
        /// The guest of each VCPU (by its index in the VM).
        public var workload: @Sendable (Int) -> any GuestWorkload

        public init(hasSPE: Bool = true, vcpus: Int, workload: @escaping @Sendable (Int) -> any GuestWorkload) {
            self.hasSPE = hasSPE
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
        public var exits: ExitCounts
        public var violations: [SPEViolation]
        /// The runtime rules broken.
        public var runtimeViolations: [RuntimeViolation]
        /// The report of the first SPE rule broken (the run stops at it).
        public var report: ViolationReport?
        public var eventsChecked: UInt64
        public var migrations: Int
        public var escapedJobs: Int
        public var outcome: SimulatedPlatform.Outcome
        /// The lane picked at every scheduling decision.
        public var decisions: [UInt16]
        /// Virtual time at the end.
        public var endTime: UInt64
        /// HostIRQ statistics of every VCPU.
        public var virtualInterrupts: [VirtualInterruptStatistics]
    }

    /// Runs it to the end.
    public func run() -> Result {
        let platform = SimulatedPlatform(cpus: cpus, seed: seed)
        platform.recordDecisions(true)
        platform.setTimeLimit(timeLimit &+ 1)
        // One task gathers the CPUs' figures when the run ends: woken by the last VCPU, by a broken
        // rule, or by the time limit; after a broken rule or the limit it stops the run.
        let gatherer = platform.makeWaiter()
        let shared = RunShared(vcpus: vms.reduce(0) { $0 + $1.vcpus })
        let checker = RuntimeChecker(mutation: runtimeMutation) { [platform] in
            shared.stopRequested()
            platform.wake(gatherer)
        }
        let distributor: Distributor
        var physical: [PhysicalCPU] = []
        do {
            distributor = try Distributor(cpuCount: cpus)
            for index in 0..<cpus {
                physical.append(try PhysicalCPU(index: index, platform: platform, distributor: distributor, seed: seed,
                    mutation: mutation, checker: checker))
            }
        } catch {
            preconditionFailure("HostIRQ refused the model's own configuration: \(error)")
        }
        let physicalCPUs = physical
        var random = SplitMix64(seed: seed ^ 0x4D49_4752)
        var members: [(vcpu: VCPU, world: VCPUWorld, guest: GuestState)] = []
        for (vmIndex, vm) in vms.enumerated() {
            let spevm = SPEVM(index: vmIndex, configuration: SPEVMConfiguration(hasSPE: vm.hasSPE))
            let environment = KVMEnvironment(vm: spevm, mutation: mutation)
            for index in 0..<vm.vcpus {
                let id = VCPUID(vm: vmIndex, index: index)
                var context = VCPUSPEContext(id: id)
                if vm.hasSPE {
                    do {
                        try context.spe.setIRQ(21, vcpu: id, vm: spevm)
                        try context.spe.setSPU(Array(0..<cpus), cpuCount: cpus, vcpu: id, vm: spevm)
                        try context.spe.initialize(vcpu: id, vm: spevm)
                    } catch {
                        preconditionFailure("the model refused its own attributes: \(error)")
                    }
                }
                let flat = members.count
                let vgic: VirtualInterruptController
                do {
                    vgic = try VirtualInterruptController(vcpu: VCPUIndex(flat), distributor: distributor,
                        clock: PlatformClock(platform))
                } catch {
                    preconditionFailure("HostIRQ refused the model's own configuration: \(error)")
                }
                let program = SyntheticProgram(seed: random.next())
                members.append((
                    VCPU(context: context, environment: environment),
                    VCPUWorld(platform: platform, cpus: physicalCPUs, vgic: vgic, control: VCPUControl(), timeSlice: timeSlice,
                        checker: checker),
                    GuestState(workload: vm.workload(index), program: program)
                ))
            }
        }
        if hostPerf {
            for cpu in physicalCPUs { platform.spawn(on: cpu.index) { await cpu.setHostSession(true) } }
        }
        for (flat, member) in members.enumerated() {
            platform.spawn(on: flat % cpus) {
                let final = await member.vcpu.live(member.guest, world: member.world, start: flat % cpus)
                if shared.finished(flat, final) { platform.wake(gatherer) }
            }
        }
        let limit = timeLimit
        platform.spawn(on: 0) {
            _ = await platform.wait(gatherer, until: limit)
            for cpu in physicalCPUs {
                let device = await cpu.device
                shared.gather(await cpu.exits, device.checker.violations, device.checker.eventsChecked, device.recentEvents)
            }
            if shared.alive > 0 { platform.stop() }
        }
        if let every = migrateEvery, every > 0 {
            let controls = members.map(\.world.control)
            let interfaces = members.map(\.world.vgic)
            let cpuCount = cpus
            let migratorSeed = seed ^ 0x6D69_6772_6174_6F72
            platform.spawn(on: 0) {
                var random = SplitMix64(seed: migratorSeed)
                while shared.alive > 0 && !shared.isStopping {
                    await platform.sleep(until: platform.now() + every, on: 0)
                    let victim = Int(random.next() % UInt64(controls.count))
                    controls[victim].requestMove(to: Int(random.next() % UInt64(cpuCount)))
                    shared.migrated()
                    // A VCPU in the guest is kicked out so it sees the request now.
                    if case .inGuest(let cpu) = interfaces[victim].location {
                        _ = try? distributor.sendSGI(.kick, to: cpu)
                    }
                }
            }
        }
        let outcome = platform.run()
        let final = shared.results
        let (exits, violations, checked) = shared.gathered
        if platform.escapedJobs > 0 {
            checker.report(.noEscapedJob, cpu: nil, vcpu: nil, time: platform.now(),
                "\(platform.escapedJobs) job(s) ran off the simulated platform")
        }
        return Result(
            guests: members.indices.compactMap { flat in final[flat].map { (members[flat].vcpu.id, $0) } },
            exits: exits, violations: violations, runtimeViolations: checker.violations,
            report: violations.first.map {
                ViolationReport(violation: $0.description, recentEvents: shared.eventsOfFirstViolation, seed: seed)
            },
            eventsChecked: checked, migrations: shared.migrations,
            escapedJobs: platform.escapedJobs, outcome: outcome, decisions: platform.decisions,
            endTime: platform.now(), virtualInterrupts: members.map { $0.world.vgic.statistics() })
    }
}

/// What the tasks of a run share: results and counters, behind atomics and a short lock.
final class RunShared: Sendable {
    private let finals = Mutex<[Int: GuestState]>([:])
    private let living: Atomic<Int>
    private let moves = Atomic<Int>(0)
    private let stopping = Atomic<Bool>(false)

    init(vcpus: Int) { living = Atomic(vcpus) }

    private let figures = Mutex<(ExitCounts, [SPEViolation], UInt64)>((ExitCounts(), [], 0))
    private let firstEvents = Mutex<[SPEEvent]>([])

    /// Records a VCPU's end; true for the last one.
    func finished(_ flat: Int, _ guest: GuestState) -> Bool {
        finals.withLock { $0[flat] = guest }
        return living.subtract(1, ordering: .relaxed).newValue == 0
    }

    func gather(_ exits: ExitCounts, _ violations: [SPEViolation], _ checked: UInt64, _ recent: [SPEEvent]) {
        if !violations.isEmpty { firstEvents.withLock { if $0.isEmpty { $0 = recent } } }
        figures.withLock {
            $0.0.add(exits)
            $0.1 += violations
            $0.2 += checked
        }
    }

    var gathered: (ExitCounts, [SPEViolation], UInt64) { figures.withLock { $0 } }
    var eventsOfFirstViolation: [SPEEvent] { firstEvents.withLock { $0 } }

    func migrated() { moves.add(1, ordering: .relaxed) }

    func stopRequested() { stopping.store(true, ordering: .relaxed) }
    var isStopping: Bool { stopping.load(ordering: .relaxed) }

    var alive: Int { living.load(ordering: .relaxed) }
    var migrations: Int { moves.load(ordering: .relaxed) }
    var results: [Int: GuestState] { finals.withLock { $0 } }
}
