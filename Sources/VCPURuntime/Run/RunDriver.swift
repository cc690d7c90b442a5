import HostIRQ
import SPEDevice
import Synchronization

/// A run, ready to drive on a platform: the machine, the VMs with each VCPU's guest, the host
/// scheduler's settings, the migrator and the budget. ``ScenarioRun`` builds one from a
/// ``Scenario``; ``SimulatedRun`` from guests a test writes.
struct RunPlan: Sendable {
    struct VM: Sendable {
        var hasSPE: Bool
        var vcpus: Int
        var kind: WorkloadKind
        /// The guest of VCPU `index` of the VM.
        var workload: @Sendable (VCPUID) -> any GuestWorkload
        var maxBufferSize: UInt64 = 0
        var lockedMemoryLimit: UInt64?
        var spu: [Int]?
        /// The `PMSIDR_EL1` features hidden from the VM.
        var hiddenFeatures: [PMSIDRFeature] = []
    }

    var cpus: Int
    var vms: [VM]
    var seed: UInt64
    var migrateEvery: UInt64?
    var timeSlice: UInt64
    var hostPerf: Bool
    /// Host operations after every exit (``Scenario/hostOperationsPerExit``).
    var hostOperationsPerExit = PhysicalCPU.defaultHostOperationsPerExit
    var mutation: SPEMutation?
    var runtimeMutation: RuntimeMutation?
    var budget: RunBudget?
    /// Platform time at which the run is cut off if it has not ended (a broken model may leave a
    /// VCPU blocked or storming for ever).
    var timeLimit: UInt64
    /// The latencies that keep cyclictest's 1 µs buckets as well.
    var linearBuckets: LinearBucketRequest? = nil
    /// The most records the run's trace keeps (nil: the run is not traced; ``RunTrace``).
    var traceLimit: Int? = nil
}

/// What a driven run leaves: its figures and each VCPU's final guest (nil for a VCPU that never
/// finished: the run stopped at a broken rule or its time limit).
struct DrivenRun: Sendable {
    var result: RunResult
    var guests: [(id: VCPUID, guest: GuestState?)]
}

extension RunPlan {
    /// Builds the run on `platform`, runs it to its end (blocking the calling thread) and gathers
    /// its figures. It injects `scenario`'s faults (``Scenario/faults``).
    func drive(on platform: any Platform, kind: PlatformKind, scenario: Scenario) -> DrivenRun {
        platform.setTimeLimit(timeLimit)
        (platform as? SimulatedPlatform)?.recordDecisions(true)
        let vcpuCount = vms.reduce(0) { $0 + $1.vcpus }
        let shared = RunShared(vcpus: vcpuCount)
        // The gatherer waits for the end, ends the run, then gathers every CPU's figures.
        let gatherer = platform.makeWaiter()
        let waiters = (0..<vcpuCount).map { _ in platform.makeWaiter() }
        let cpuCount = cpus
        let control = RunControl(budget: budget) { [platform] in
            platform.wake(gatherer)
            for waiter in waiters { platform.wake(waiter) }
            for cpu in 0..<cpuCount { platform.interruptGuest(cpu: cpu) }
        }
        // A broken rule ends the run at once: VCPUs stop at their next step (the gatherer stops
        // the platform as soon as it has the CPUs' figures).
        let checker = RuntimeChecker(mutation: runtimeMutation) {
            shared.stopRequested()
            control.end()
        }
        let scheduler = HostScheduler(cpus: cpus)
        let traceShare = traceLimit.map { RunTrace.share(of: $0, cpus: cpus) }
        if let traceShare { scheduler.startTracing(limit: traceShare, clock: PlatformClock(platform)) }
        let schedule = SliceSchedule(timeSlice: timeSlice, scheduler: scheduler, run: control)
        let ledger = FaultLedger()
        let cpuFaults = (0..<cpus).map { _ in CPUFaults(ledger: ledger) }
        let distributor: Distributor
        var physical: [PhysicalCPU] = []
        do {
            distributor = try Distributor(cpuCount: cpus)
            for index in 0..<cpus {
                physical.append(try PhysicalCPU(index: index, platform: platform, distributor: distributor, seed: seed,
                    mutation: mutation, checker: checker, hostOperationsPerExit: hostOperationsPerExit,
                    faults: cpuFaults[index], traceLimit: traceShare))
            }
        } catch {
            preconditionFailure("HostIRQ refused the model's own configuration: \(error)")
        }
        let physicalCPUs = physical
        var random = SplitMix64(seed: seed ^ 0x4D49_4752)
        var members: [Member] = []
        var vmHandles: [VMHandle] = []
        for (vmIndex, vm) in vms.enumerated() {
            let spevm = SPEVM(index: vmIndex, configuration: SPEVMConfiguration(hasSPE: vm.hasSPE, hiddenFeatures: vm.hiddenFeatures),
                lockedMemoryLimit: vm.lockedMemoryLimit ?? .max)
            vmHandles.append(VMHandle(spe: spevm, lockedMemoryLimit: vm.lockedMemoryLimit ?? .max, maxBufferSize: vm.maxBufferSize))
            let environment = KVMEnvironment(vm: spevm, mutation: mutation)
            let spu = vm.spu ?? Array(0..<cpus)
            for index in 0..<vm.vcpus {
                let id = VCPUID(vm: vmIndex, index: index)
                var context = VCPUSPEContext(id: id)
                if vm.hasSPE {
                    do {
                        try context.spe.setIRQ(INTID.spePMBIRQ.rawValue, vcpu: id, vm: spevm)
                        try context.spe.setSPU(spu, cpuCount: cpus, vcpu: id, vm: spevm)
                        try context.spe.setMaxBufferSize(vm.maxBufferSize, vcpu: id, vm: spevm)
                        try context.spe.initialize(vcpu: id, vm: spevm)
                    } catch {
                        preconditionFailure("the model refused attributes its scenario was validated for: \(error)")
                    }
                }
                let vgic: VirtualInterruptController
                do {
                    // Besides SPE and the timer, the VMM's device line (the kick-storm fault's source).
                    vgic = try VirtualInterruptController(vcpu: VCPUIndex(members.count),
                        configuration: VirtualInterruptConfiguration(additional: [.init(intid: .vmmDevice)]),
                        distributor: distributor, clock: PlatformClock(platform))
                } catch {
                    preconditionFailure("HostIRQ refused the model's own configuration: \(error)")
                }
                members.append(Member(
                    vcpu: VCPU(context: context, environment: environment),
                    world: VCPUWorld(platform: platform, cpus: physicalCPUs, vgic: vgic, control: VCPUControl(),
                        schedule: schedule, checker: checker),
                    guest: GuestState(workload: vm.workload(id), program: SyntheticProgram(seed: random.next())),
                    figures: VCPUFigures(id: id, workload: vm.kind, linearBuckets: linearBuckets),
                    start: vm.hasSPE ? spu[members.count % spu.count] : members.count % cpus,
                    allowed: vm.hasSPE && runtimeMutation != .spuIgnored ? spu : Array(0..<cpus)))
            }
        }
        if hostPerf {
            for cpu in physicalCPUs { platform.spawn(on: cpu.index) { await cpu.setHostSession(true) } }
        }
        for (flat, member) in members.enumerated() {
            platform.spawn(on: member.start) {
                let (guest, figures) = await member.vcpu.live(member.guest, figures: member.figures, world: member.world,
                    start: member.start, waiter: waiters[flat])
                if shared.finished(flat, guest, figures) { platform.wake(gatherer) }
            }
        }
        let duration: UInt64? = if case .duration(let d) = budget { d } else { nil }
        platform.spawn(on: 0) {
            let deadline = duration.map { platform.now() &+ $0 }
            _ = await platform.wait(gatherer, until: deadline)
            if !shared.isStopping {
                control.end()
                while shared.alive > 0 && !shared.isStopping { _ = await platform.wait(gatherer, until: nil) }
            }
            for cpu in physicalCPUs { shared.gather(await cpu.figures()) }
            if shared.alive > 0 { platform.stop() }
        }
        let handles = members.map(\.handle)
        if let every = migrateEvery, every > 0 {
            // The migrator is a housekeeping timer, like the selftests' migration thread on a CPU
            // of its own: it asks a seeded victim to move to a seeded CPU of its SPU.
            let random = PThreadMutex(SplitMix64(seed: seed ^ 0x6D69_6772_6174_6F72))
            platform.repeatEvery(every) {
                if control.hasEnded || shared.isStopping || shared.alive == 0 { return false }
                let (victim, cpu) = random.withLock { random -> (VCPUHandle, Int) in
                    let victim = handles[Int(random.next() % UInt64(handles.count))]
                    return (victim, victim.allowed[Int(random.next() % UInt64(victim.allowed.count))])
                }
                victim.requestMove(to: cpu, through: distributor)
                shared.migrated()
                return true
            }
        }
        FaultInjector(platform: platform, faults: scenario.faults, seed: seed, vcpus: handles, vms: vmHandles, cpus: physicalCPUs,
            cpuFaults: cpuFaults, distributor: distributor, ledger: ledger,
            isOver: { control.hasEnded || shared.isStopping || shared.alive == 0 }
        ).start()
        let clock = ContinuousClock()
        let started = clock.now
        let outcome = platform.run()
        let elapsed = started.duration(to: clock.now)
        let simulated = platform as? SimulatedPlatform
        if let simulated, simulated.escapedJobs > 0 {
            checker.report(.noEscapedJob, cpu: nil, vcpu: nil, time: platform.now(),
                "\(simulated.escapedJobs) job(s) ran off the simulated platform")
        }
        // A run a broken rule stopped says so, even when its VCPUs wound down before the platform stopped.
        let stoppedByRule = shared.isStopping && outcome == .finished
        var result = RunResult(scenario: scenario, platform: kind, outcome: stoppedByRule ? .stopped(liveTasks: 0) : outcome)
        result.endTime = platform.now()
        result.wallSeconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        result.decisions = simulated?.decisions ?? []
        result.escapedJobs = simulated?.escapedJobs ?? 0
        shared.fill(&result)
        result.runtimeViolations = checker.violations
        result.report = result.violations.first.map {
            ViolationReport(violation: $0.description, recentEvents: shared.eventsOfFirstViolation, seed: seed)
        }
        result.migrations = shared.migrations
        result.balancingMoves = scheduler.balancingMoves
        let finals = shared.finals
        for member in members { result.virtualInterrupts.add(member.world.vgic.statistics()) }
        result.vcpus = members.indices.map { finals[$0]?.figures ?? members[$0].figures }
        for figures in result.vcpus {
            result.kvm.add(figures.kvm)
            result.drivers.add(figures.drivers)
            result.blackoutNanoseconds += figures.blackoutNanoseconds
            result.blackouts += figures.blackouts
            result.latency.merge(figures.latency)
        }
        for final in finals.values {
            for (intid, n) in final.guest.interruptsTaken { result.guestInterrupts[intid, default: 0] += UInt64(n) }
        }
        // Every fault the run injects, with how many took effect (a guest's driver counts its own
        // misprogrammed enables).
        var taken = ledger.snapshot
        taken[.guestMisprogram] = result.drivers.misprogrammed
        for (kind, interval) in scenario.faults where interval > 0 { result.faults[kind] = taken[kind] ?? 0 }
        if let traceLimit {
            // The platform has stopped: no CPU records any more.
            result.trace = RunTrace(
                platform: kind, seed: seed, cpus: cpus, vcpus: members.map(\.vcpu.id),
                logs: physicalCPUs.compactMap { $0.trace?.contents } + [scheduler.traceLog].compactMap { $0 }, limit: traceLimit,
                endTime: result.endTime, runtimeViolations: result.runtimeViolations, speViolations: result.violations)
        }
        return DrivenRun(result: result, guests: members.indices.map { (members[$0].vcpu.id, finals[$0]?.guest) })
    }
}

/// One VCPU of a run being built.
private struct Member: Sendable {
    let vcpu: VCPU
    let world: VCPUWorld
    let guest: GuestState
    let figures: VCPUFigures
    /// The CPU it starts on, and the CPUs it may run on.
    let start: Int
    let allowed: [Int]

    /// How the migrator and the fault injector reach it.
    var handle: VCPUHandle { VCPUHandle(control: world.control, vgic: world.vgic, allowed: allowed, vm: vcpu.id.vm) }
}

/// What the tasks of a run share: results and counters, behind atomics and short locks.
final class RunShared: Sendable {
    private let finished = PThreadMutex<[Int: (guest: GuestState, figures: VCPUFigures)]>([:])
    private let living: Atomic<Int>
    private let moves = Atomic<UInt64>(0)
    private let stopping = Atomic<Bool>(false)
    private let cpus = PThreadMutex<[CPUFigures]>([])

    init(vcpus: Int) { living = Atomic(vcpus) }

    /// Records a VCPU's end; true for the last one.
    func finished(_ flat: Int, _ guest: GuestState, _ figures: VCPUFigures) -> Bool {
        finished.withLock { $0[flat] = (guest, figures) }
        return living.subtract(1, ordering: .relaxed).newValue == 0
    }

    func gather(_ figures: CPUFigures) { cpus.withLock { $0.append(figures) } }

    /// The CPUs' figures summed into `result`.
    func fill(_ result: inout RunResult) {
        for cpu in cpus.withLock({ $0 }) {
            result.exits.add(cpu.exits)
            result.unit.add(cpu.unit)
            result.host.recordsConsumed += cpu.host.recordsConsumed
            result.host.interruptsHandled += cpu.host.interruptsHandled
            result.host.spuriousInterrupts += cpu.host.spuriousInterrupts
            result.violations += cpu.violations
            result.eventsChecked += cpu.eventsChecked
            for (intid, n) in cpu.interrupts { result.physicalInterrupts[intid, default: 0] += n }
        }
    }

    /// The recent events of the first CPU that saw a violation.
    var eventsOfFirstViolation: [SPEEvent] {
        cpus.withLock { $0.first { !$0.violations.isEmpty }?.recentEvents ?? [] }
    }

    func migrated() { moves.add(1, ordering: .relaxed) }

    func stopRequested() { stopping.store(true, ordering: .relaxed) }
    var isStopping: Bool { stopping.load(ordering: .relaxed) }

    var alive: Int { living.load(ordering: .relaxed) }
    var migrations: UInt64 { moves.load(ordering: .relaxed) }
    var finals: [Int: (guest: GuestState, figures: VCPUFigures)] { finished.withLock { $0 } }
}
