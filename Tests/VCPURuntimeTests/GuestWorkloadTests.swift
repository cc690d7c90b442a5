import HostIRQ
import SPEDevice
import Testing

@testable import VCPURuntime

/// A guest workload driven by hand, without a VCPU: its accesses complete at once against a register
/// file (reads return what was written; `PMBIDR_EL1` and `PMSIDR_EL1` what the test says), every chunk of `spePeriod`
/// operations fills the buffer and raises the SPE interrupt, and WFI is ended by the timer interrupt.
/// It logs every step the workload asks for, in order.
struct GuestHarness<Workload: GuestWorkload> {
    var workload: Workload
    var pmbidr: UInt64 = 0
    var pmsidr: UInt64 = 0
    var spePeriod: UInt64 = 60_000
    private(set) var log: [GuestStep] = []
    private var registers: [SPERegisterID: UInt64] = [:]
    private var operations: UInt64 = 0

    init(_ workload: Workload) { self.workload = workload }

    /// Runs until the workload powers off or `limit` steps were logged; true if it powered off.
    @discardableResult
    mutating func run(limit: Int = 100_000) -> Bool {
        var queue: [GuestStep] = []
        while log.count < limit {
            if queue.isEmpty {
                queue = workload.nextSteps(now: 0)
                if queue.isEmpty { return true }
            }
            let step = queue.removeFirst()
            log.append(step)
            switch step {
            case .access(let register, let value):
                let result: GuestActionResult
                if let value {
                    registers[register] = value
                    result = .wrote
                } else {
                    result = .read(
                        register == .PMBIDR_EL1 ? pmbidr : register == .PMSIDR_EL1 ? pmsidr : registers[register] ?? 0)
                }
                queue.insert(contentsOf: workload.completed(register, result), at: 0)
            case .operations(let count):
                operations += count
                if operations >= spePeriod, registers[.PMBLIMITR_EL1].map({ PMBLIMITR_EL1(rawValue: $0).E }) == true {
                    operations = 0
                    registers[.PMBSR_EL1] = 0x20001
                    queue.insert(contentsOf: workload.handle(interrupt: 21, now: 0) + [.endOfInterrupt(21)], at: 0)
                }
            case .waitForInterrupt:
                let intid = INTID.virtualTimer.rawValue
                queue.insert(contentsOf: workload.handle(interrupt: intid, now: 0) + [.endOfInterrupt(intid)], at: 0)
            case .consumeBuffer:
                workload.consumed([])
            default:
                break
            }
        }
        return false
    }

    /// The kinds of step logged.
    var stepKinds: Set<String> {
        Set(log.map { step in
            switch step {
            case .operations: "operations"
            case .access: "access"
            case .armTimer: "armTimer"
            case .waitForInterrupt: "waitForInterrupt"
            case .hypercall: "hypercall"
            case .endOfInterrupt: "endOfInterrupt"
            case .map: "map"
            case .consumeBuffer: "consumeBuffer"
            case .powerOff: "powerOff"
            case .yieldToDriver: "yieldToDriver"
            }
        })
    }
}

/// The workloads a VCPU's guest can be given (`--workload`), driven by hand and through simulated runs.
@Suite struct GuestWorkloadTests {
    static let base: UInt64 = 0x8000_0000

    static func setup(_ index: Int, vm: Int = 0, hasSPE: Bool = true, iterations: Int?, seed: UInt64 = 7)
        -> GuestSetup
    {
        GuestSetup(vcpu: VCPUID(vm: vm, index: index), hasSPE: hasSPE, bufferBase: base + UInt64(index) * 0x10_0000,
            seed: seed &+ UInt64(vm * 100 + index), iterations: iterations)
    }

    static func vm(_ kind: WorkloadKind, vcpus: Int, vm: Int = 0, hasSPE: Bool = true, iterations: Int?,
        timerPeriod: UInt64? = nil, seed: UInt64 = 7) -> SimulatedRun.VM
    {
        .init(hasSPE: hasSPE, vcpus: vcpus) { index in
            var setup = Self.setup(index, vm: vm, hasSPE: hasSPE, iterations: iterations, seed: seed)
            if let timerPeriod { setup.timerPeriod = timerPeriod }
            return kind.makeGuest(setup)
        }
    }

    static func expectClean(_ result: SimulatedRun.Result) {
        #expect(result.escapedJobs == 0)
        #expect(result.violations.map(\.description) == [])
        #expect(result.runtimeViolations.map(\.description) == [])
    }

    // MARK: The factory

    @Test func eachKindMakesItsGuest() {
        let setup = Self.setup(0, iterations: 3)
        #expect(WorkloadKind.profile.makeGuest(setup) is ProfileWorkload)
        #expect(WorkloadKind.mixed.makeGuest(setup) is MixedWorkload)
        #expect(WorkloadKind.idle.makeGuest(setup) is TimerWorkload)
        #expect(WorkloadKind.trapStorm.makeGuest(setup) is TrapStormWorkload)
        // Only the guests with an SPE driver have driver figures; the others report zero.
        #expect(TimerWorkload(period: 1).driverFigures == DriverFigures())
        #expect(TrapStormWorkload(hasSPE: true, base: 0).driverFigures == DriverFigures())
    }

    /// Drives `workload` by hand for at most `limit` steps: whether it powered off.
    static func powersOff(_ workload: some GuestWorkload, limit: Int) -> Bool {
        var harness = GuestHarness(workload)
        return harness.run(limit: limit)
    }

    @Test(arguments: WorkloadKind.allCases, [true, false])
    func unboundedGuestsNeverRunOutOfSteps(kind: WorkloadKind, hasSPE: Bool) {
        let poweredOff = Self.powersOff(kind.makeGuest(Self.setup(0, hasSPE: hasSPE, iterations: nil)), limit: 20_000)
        #expect(!poweredOff)
    }

    @Test(arguments: WorkloadKind.allCases, [true, false])
    func boundedGuestsPowerOff(kind: WorkloadKind, hasSPE: Bool) {
        let poweredOff = Self.powersOff(kind.makeGuest(Self.setup(0, hasSPE: hasSPE, iterations: 20)), limit: 20_000)
        #expect(poweredOff)
    }

    // MARK: profile

    @Test func theDriverSizesItsBufferFromPMBIDR() throws {
        let maximum = try MaxBufferSize(bytes: 4096)
        var harness = GuestHarness(ProfileWorkload(base: Self.base, chunks: 1))
        harness.pmbidr = PMBIDR_EL1(rawValue: 0x26).rawValue | maximum.field << 32
        harness.run()
        var scr = PMSCR_EL1(rawValue: 0)
        scr.E0SPE = true
        scr.E1SPE = true
        scr.CX = true
        scr.TS = true
        var limit = PMBLIMITR_EL1(rawValue: 0)
        limit.LIMIT = (Self.base + 4096) >> 12
        var enabled = limit
        enabled.E = true
        #expect(harness.log == [
            .access(.PMBIDR_EL1, write: nil), .map(Self.base..<(Self.base + 4096)),
            .access(.PMSCR_EL1, write: scr.rawValue), .access(.PMSIRR_EL1, write: 0x100),
            .access(.PMBPTR_EL1, write: Self.base), .access(.PMBLIMITR_EL1, write: enabled.rawValue),
            .operations(20_000), .access(.PMBLIMITR_EL1, write: limit.rawValue),
        ])
        #expect(harness.workload.bufferSize == 4096)
    }

    @Test func aDriverNotAllowedToProgramOnlyRunsItsProgram() {
        var harness = GuestHarness(ProfileWorkload(base: Self.base, chunks: 2))
        var id = PMBIDR_EL1(rawValue: 0x26)
        id.P = true
        harness.pmbidr = id.rawValue
        harness.run()
        #expect(harness.log == [.access(.PMBIDR_EL1, write: nil), .operations(20_000), .operations(20_000)])
        #expect(!harness.workload.isProfiling)
    }

    /// 10 chunks of 20,000 operations, a sample every 257 (`INTERVAL` 1: 256 decrements after the
    /// reload): 778 samples. A buffer of B bytes holds B / 64 records of 64 bytes (it is full when
    /// `PMBPTR` passes `LIMIT - 64`, i.e. after its last record), so the driver services
    /// ⌊778 / (B / 64)⌋ full buffers: 768 records in each case; the last 10 stay in the buffer it
    /// disables.
    @Test(arguments: [(0, 16_384), (4096, 4096), (8192, 8192), (65_536, 16_384)] as [(UInt64, UInt64)])
    func profileServicesBuffersWithinTheVMMsMaximum(maxBufferSize: UInt64, bufferSize: UInt64) throws {
        var vm = Self.vm(.profile, vcpus: 3, iterations: 10)
        vm.maxBufferSize = maxBufferSize
        var run = SimulatedRun(cpus: 2, vms: [vm], seed: 3, migrateEvery: 30_000)
        run.timeSlice = 100_000
        run.hostPerf = true
        let result = run.run()
        #expect(result.outcome == .finished)
        Self.expectClean(result)
        let perBuffer = Int(bufferSize / 64)
        let buffers = 778 / perBuffer
        #expect(buffers * perBuffer == 768)
        #expect(result.guests.count == 3)
        for (id, guest) in result.guests {
            let profile = try #require(guest.workload as? ProfileWorkload)
            #expect(profile.bufferSize == bufferSize, "\(id)")
            #expect(profile.chunksDone == 10, "\(id)")
            #expect(profile.speInterrupts == buffers, "\(id)")
            #expect(profile.recordsConsumed == 768, "\(id)")
            #expect(profile.lastSyndrome == 0x20001, "\(id)")
            #expect(guest.interruptsTaken == [21: buffers], "\(id)")
            var figures = DriverFigures()
            figures.interrupts = UInt64(buffers)
            figures.recordsConsumed = 768
            #expect(guest.workload.driverFigures == figures, "\(id)")
        }
        // One maintenance exit per SPE interrupt: its level has no hardware link.
        #expect(result.exits[.maintenance] == UInt64(3 * buffers))
    }

    @Test func profileWithoutSPEOnlyRunsItsProgram() throws {
        let result = SimulatedRun(cpus: 1, vms: [Self.vm(.profile, vcpus: 2, hasSPE: false, iterations: 10)], seed: 4)
            .run()
        #expect(result.outcome == .finished)
        Self.expectClean(result)
        #expect(result.exits[.sysreg] == 0)
        for (id, guest) in result.guests {
            let profile = try #require(guest.workload as? ProfileWorkload)
            #expect(profile.chunksDone == 10, "\(id)")
            #expect(guest.position == 200_000, "\(id)")
            #expect(profile.driverFigures == DriverFigures(), "\(id)")
        }
    }

    // MARK: mixed

    @Test func mixedIsDeterministicAndMakesEveryKindOfStep() {
        func log(seed: UInt64, hasSPE: Bool = true) -> GuestHarness<MixedWorkload> {
            var harness = GuestHarness(MixedWorkload(base: Self.base, hasSPE: hasSPE, seed: seed, timerPeriod: 10_000,
                rounds: 200))
            #expect(harness.run() == true)
            return harness
        }
        let a = log(seed: 1)
        #expect(a.log == log(seed: 1).log)
        #expect(a.log != log(seed: 2).log)
        #expect(a.stepKinds == ["operations", "access", "armTimer", "waitForInterrupt", "hypercall", "endOfInterrupt",
            "map", "consumeBuffer"])
        #expect(Set(a.workload.actions.keys) == Set(MixedWorkload.Action.allCases))
        #expect(a.workload.actions.values.reduce(0, +) == 200)
        #expect(a.workload.readBackMismatches == 0)
        #expect(a.workload.profile.chunksDone == 200)
        // Without SPE: no access at all, only the program, hypercalls and idle.
        let plain = log(seed: 1, hasSPE: false)
        #expect(plain.stepKinds == ["operations", "armTimer", "waitForInterrupt", "hypercall", "endOfInterrupt"])
        #expect(Set(plain.workload.actions.keys) == [.hypercall, .idle])
    }

    static func mixedRun(seed: UInt64) -> SimulatedRun.Result {
        var run = SimulatedRun(
            cpus: 2,
            vms: [
                Self.vm(.mixed, vcpus: 3, iterations: 40, timerPeriod: 30_000, seed: seed),
                Self.vm(.mixed, vcpus: 1, vm: 1, hasSPE: false, iterations: 40, timerPeriod: 30_000, seed: seed),
            ],
            seed: seed, migrateEvery: 30_000)
        run.timeSlice = 100_000
        run.hostPerf = true
        return run.run()
    }

    @Test(arguments: [5, 6] as [UInt64])
    func mixedGuestsProfileExactlyBetweenTheirOtherWork(seed: UInt64) throws {
        let result = Self.mixedRun(seed: seed)
        #expect(result.outcome == .finished)
        Self.expectClean(result)
        #expect(result.migrations > 10)
        var hypercalls = 0
        for (id, guest) in result.guests {
            let mixed = try #require(guest.workload as? MixedWorkload)
            #expect(mixed.roundsDone == 40, "\(id)")
            #expect(mixed.readBackMismatches == 0, "\(id)")
            #expect(mixed.otherInterrupts == 0, "\(id)")
            #expect(guest.interruptsTaken[INTID.virtualTimer.rawValue, default: 0] == mixed.tick.interrupts, "\(id)")
            hypercalls += mixed.actions[.hypercall, default: 0]
            if id.vm == 0 {
                // As `MultiVMRunTests`: 40 chunks of 20,000 operations are 3,112 samples, 12 full
                // 16 KiB buffers; the other work in between changes none of it.
                #expect(Set(mixed.actions.keys) == Set(MixedWorkload.Action.allCases), "\(id)")
                var figures = DriverFigures()
                figures.interrupts = 12
                figures.recordsConsumed = 12 * 256
                #expect(guest.workload.driverFigures == figures, "\(id)")
                #expect(guest.interruptsTaken[21] == 12, "\(id)")
            } else {
                #expect(Set(mixed.actions.keys).isSubset(of: [.hypercall, .idle]), "\(id)")
                #expect(guest.workload.driverFigures == DriverFigures(), "\(id)")
            }
        }
        // Each hypercall the guests chose, and each power-off.
        #expect(result.exits[.hypercall] == UInt64(hypercalls + 4))
        #expect(result.exits[.maintenance] == 36)
    }

    @Test func mixedSameSeedSameRun() throws {
        let a = Self.mixedRun(seed: 9)
        let b = Self.mixedRun(seed: 9)
        #expect(a.decisions == b.decisions)
        #expect(a.exits == b.exits)
        #expect(a.endTime == b.endTime)
        let actionsA = try a.guests.map { try #require($0.guest.workload as? MixedWorkload).actions }
        let actionsB = try b.guests.map { try #require($0.guest.workload as? MixedWorkload).actions }
        #expect(actionsA == actionsB)
    }

    // MARK: idle

    @Test(arguments: [nil, 7_000] as [UInt64?])
    func idleGuestsTakeExactlyTheirTimerInterrupts(migrateEvery: UInt64?) throws {
        var run = SimulatedRun(cpus: 2, vms: [Self.vm(.idle, vcpus: 3, iterations: 30, timerPeriod: 10_000)], seed: 2,
            migrateEvery: migrateEvery)
        run.timeSlice = 50_000
        let result = run.run()
        #expect(result.outcome == .finished)
        Self.expectClean(result)
        #expect(result.guests.count == 3)
        for (id, guest) in result.guests {
            let timer = try #require(guest.workload as? TimerWorkload)
            #expect(timer.interrupts == 30, "\(id)")
            #expect(guest.interruptsTaken == [INTID.virtualTimer.rawValue: 30], "\(id)")
        }
        if migrateEvery == nil {
            // One WFI per period (the interrupt ends it) and the power-off: nothing else exits.
            #expect(result.exits[.wfi] == 90)
            #expect(result.exits[.hypercall] == 3)
            #expect(result.exits.total == 93)
        }
    }

    // MARK: trap-storm

    @Test func trapStormExitsOnlyForTrappedAccesses() throws {
        var run = SimulatedRun(
            cpus: 2,
            vms: [
                Self.vm(.trapStorm, vcpus: 2, iterations: 1000),
                Self.vm(.trapStorm, vcpus: 1, vm: 1, hasSPE: false, iterations: 1000),
            ],
            seed: 8)
        run.hostPerf = true
        let result = run.run()
        #expect(result.outcome == .finished)
        Self.expectClean(result)
        // Every access an exit, and the three power-offs.
        #expect(result.exits[.sysreg] == 3000)
        #expect(result.exits[.hypercall] == 3)
        #expect(result.exits.total == 3003)
        for (id, guest) in result.guests {
            let storm = try #require(guest.workload as? TrapStormWorkload)
            #expect(storm.issued == 1000, "\(id)")
            // With SPE: 125 cycles of 5 reads and 3 writes; without: 1000 ID register reads.
            #expect(storm.reads == (id.vm == 0 ? 625 : 1000), "\(id)")
            #expect(storm.writes == (id.vm == 0 ? 375 : 0), "\(id)")
            #expect(storm.undefined == 0, "\(id)")
            #expect(storm.mismatches == 0, "\(id)")
            #expect(guest.interruptsTaken.isEmpty, "\(id)")
        }
    }

    /// Why the storm without SPE reads `ID_AA64DFR0_EL1`: SPE register accesses of a VM without SPE
    /// do exit (KVM traps them all) and each one is UNDEFINED for the guest, which a real guest
    /// kernel would not survive.
    @Test func speAccessesWithoutSPEExitAndAreUndefined() throws {
        let believer = SimulatedRun.VM(hasSPE: false, vcpus: 1) { _ in
            TrapStormWorkload(hasSPE: true, base: Self.base, accesses: 80)
        }
        let result = SimulatedRun(cpus: 1, vms: [believer], seed: 1).run()
        Self.expectClean(result)
        #expect(result.exits[.sysreg] == 80)
        let storm = try #require(result.guests.first?.guest.workload as? TrapStormWorkload)
        #expect(storm.undefined == 80)
        #expect(storm.reads + storm.writes == 0)
    }

    // MARK: For ever

    /// Unbounded guests of every kind, with and without SPE, run until the run's budget stops their
    /// VCPUs: none powers off, no rule breaks, and each made progress of its kind.
    @Test func unboundedGuestsRunUntilTheBudgetStopsThem() throws {
        let kinds: [WorkloadKind] = [.profile, .mixed, .idle, .trapStorm]
        var run = SimulatedRun(
            cpus: 2,
            vms: kinds.enumerated().flatMap { index, kind in
                [Self.vm(kind, vcpus: 1, vm: 2 * index, iterations: nil, timerPeriod: 20_000),
                 Self.vm(kind, vcpus: 1, vm: 2 * index + 1, hasSPE: false, iterations: nil, timerPeriod: 20_000)]
            },
            seed: 12, migrateEvery: 25_000)
        run.timeSlice = 100_000
        run.hostPerf = true
        run.budget = .duration(3_000_000)
        let result = run.run()
        #expect(result.outcome == .finished)
        Self.expectClean(result)
        #expect(result.guests.count == 8)
        for (id, guest) in result.guests {
            #expect(!guest.poweredOff, "\(id)")
            let hasSPE = id.vm % 2 == 0
            switch kinds[id.vm / 2] {
            case .profile:
                #expect(guest.position > 0, "\(id)")
                #expect((guest.workload.driverFigures.interrupts > 0) == hasSPE, "\(id)")
            case .mixed:
                let mixed = try #require(guest.workload as? MixedWorkload)
                #expect(mixed.roundsDone > 10, "\(id)")
                #expect(mixed.readBackMismatches == 0, "\(id)")
            case .idle:
                #expect(try #require(guest.workload as? TimerWorkload).interrupts > 10, "\(id)")
            case .trapStorm:
                let storm = try #require(guest.workload as? TrapStormWorkload)
                #expect(storm.issued > 100 && storm.mismatches == 0 && storm.undefined == 0, "\(id)")
            }
        }
        // A storm exits only for its accesses, an idle guest only for its WFIs.
        for figures in result.figures.vcpus {
            let only: ExitReason? = switch kinds[figures.id.vm / 2] {
            case .trapStorm: .sysreg
            case .idle: .wfi
            default: nil
            }
            if let only { #expect(figures.exits.total == figures.exits[only], "\(figures.id)") }
        }
    }
}
