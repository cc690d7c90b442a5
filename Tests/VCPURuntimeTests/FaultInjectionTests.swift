import HostIRQ
import SPEDevice
import Synchronization
import Testing

@testable import VCPURuntime

/// Fault injection (`Scenario.faults`) on the simulated platform: each fault is injected, breaks no
/// rule of the correct model and shows its own effect; all together over several seeds; the same
/// seed gives the same faults; faults come at their mean interval; and a fault lets a run catch a
/// mutation it otherwise misses.
@Suite struct FaultInjectionTests {
    /// Two CPUs, a mixed VM and a profiling VM with a maximum buffer size (so every misprogramming
    /// is possible), each with two VCPUs.
    static func scenario(seed: UInt64 = 1, faults: [FaultKind: UInt64], exits: UInt64 = 2_000) -> Scenario {
        var profile = VMScenario(vcpus: 2, workload: .profile)
        profile.maxBufferSize = 8192
        var scenario = Scenario(cpus: 2, vms: [VMScenario(vcpus: 2, workload: .mixed), profile], budget: .exits(exits))
        scenario.seed = seed
        scenario.timeSlice = 200_000
        scenario.faults = faults
        return scenario
    }

    static func expectClean(_ result: RunResult, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.outcome == .finished, sourceLocation: sourceLocation)
        #expect(result.violations.map(\.description) == [], sourceLocation: sourceLocation)
        #expect(result.runtimeViolations.map(\.description) == [], sourceLocation: sourceLocation)
        #expect(result.escapedJobs == 0, sourceLocation: sourceLocation)
        // Faults or not, every sample became a record or was dropped for a named reason.
        #expect(result.unit.sampled == result.unit.written + result.unit.droppedTotal + result.unit.inFlight, sourceLocation: sourceLocation)
    }

    @Test(arguments: FaultKind.allCases)
    func eachFaultAloneIsInjectedBreaksNoRuleAndShowsItsEffect(kind: FaultKind) throws {
        let result = ScenarioRun(scenario: Self.scenario(faults: [kind: 20_000]), platform: .sim).run()
        Self.expectClean(result)
        #expect(Array(result.faults.keys) == [kind])
        let injected = try #require(result.faults[kind])
        #expect(injected > 0)
        // Only the fault asked for: nothing else moves VCPUs, unmaps memory or misprograms.
        #expect(result.migrations == 0)
        switch kind {
        case .migrate:
            let moves = result.vcpus.reduce(0) { $0 + $1.moves }
            #expect(moves > 0)
            // A request may be replaced by the next one before the VCPU takes it.
            #expect(moves <= injected)
        case .hostPerf:
            // What the sessions were for is shown by a mutation (below); here: sessions came and went cleanly.
            #expect(result.kvm.stage2Warnings == 0)
        case .stage2Unmap:
            // Seen by the hardware (a stage-2 abort turned into an external abort on exit) or at
            // the enable edge (check 4): either way the guest's driver reports an external abort.
            #expect(result.kvm.stage2Warnings > 0)
            #expect(result.kvm.enableRefusals[.stage2Unmapped, default: 0] > 0)
            #expect(result.drivers.faults > 0)
            #expect(result.drivers.faults <= result.kvm.stage2Warnings + result.kvm.enableRefusals[.stage2Unmapped, default: 0])
            // The driver starts its buffer again after each: profiling goes on.
            #expect(result.drivers.recordsConsumed > 0)
        case .memlock:
            #expect(result.kvm.lockedMemoryExits > 0)
            #expect(result.kvm.pins > result.kvm.lockedMemoryExits)
        case .spuriousIRQ:
            // Every fault that hit an exit's lowering made the host take a PMBIRQ with nothing to do.
            #expect(result.host.spuriousInterrupts == injected)
            #expect(result.physicalInterrupts[INTID.spePMBIRQ.rawValue] == injected)
        case .kickStorm:
            #expect(result.guestInterrupts[INTID.vmmDevice.rawValue, default: 0] > injected)
            #expect(result.virtualInterrupts.kicksSent > 0)
        case .lateIRQ:
            // Each one made an exit's drain complete the sample that filled the buffer.
            #expect(result.unit.managementEventsInDrain >= injected)
            #expect(result.kvm.managementEvents > 0)
        case .guestMisprogram:
            // Each bad enable was refused by exactly one enable check, and each check was hit.
            #expect(result.drivers.misprogrammed == injected)
            #expect(result.kvm.enableRefusals.values.reduce(0, +) == injected)
            for refusal in [EnableRefusal.misprogrammed, .tooLarge, .stage1Unmapped] {
                #expect(result.kvm.enableRefusals[refusal, default: 0] > 0, "\(refusal)")
            }
            // A misaligned buffer is refused as buffer-filled; the other two are faults to the driver.
            #expect(result.drivers.faults
                == result.kvm.enableRefusals[.tooLarge, default: 0] + result.kvm.enableRefusals[.stage1Unmapped, default: 0])
        }
    }

    /// The legacy driver sets `E` on its bad buffer while `S` is still 1 and clears `S` last: the
    /// refusal comes at that `PMBSR_EL1` write, and each bad enable is still exactly one refusal
    /// (the driver counts it at the write that makes the edge), besides the two order violations
    /// of each re-arm.
    @Test(arguments: GuestDriverStyle.allCases)
    func eachBadEnableIsOneRefusalInEitherDriverOrder(style: GuestDriverStyle) throws {
        var scenario = Self.scenario(faults: [.guestMisprogram: 20_000])
        for index in scenario.vms.indices { scenario.vms[index].driverStyle = style }
        let result = ScenarioRun(scenario: scenario, platform: .sim).run()
        Self.expectClean(result)
        let injected = try #require(result.faults[.guestMisprogram])
        #expect(injected > 0)
        #expect(result.drivers.misprogrammed == injected)
        #expect(result.kvm.enableRefusals.values.reduce(0, +) == injected)
        #expect((result.kvm.driverOrderViolations > 0) == (style == .legacy))
    }

    /// Every fault at once, on a scenario with every kind of VM, SPUs, a locked-memory limit, host
    /// sessions on some seeds and the migrator on others.
    @Test(arguments: UInt64(1)...4)
    func allFaultsTogetherBreakNoRule(seed: UInt64) {
        var profile = VMScenario(vcpus: 3, workload: .profile)
        profile.maxBufferSize = 8192
        profile.spu = [1, 2]
        profile.lockedMemoryLimit = 64 * 1024
        var scenario = Scenario(
            cpus: 3,
            vms: [
                VMScenario(vcpus: 3, workload: .mixed), profile, VMScenario(vcpus: 1, workload: .idle, hasSPE: false),
                VMScenario(vcpus: 1, workload: .trapStorm),
            ],
            budget: .exits(3_000))
        scenario.seed = seed
        scenario.timeSlice = 200_000
        scenario.hostPerf = seed % 2 == 0
        scenario.migrateEvery = seed % 3 == 0 ? 50_000 : nil
        scenario.faults = Dictionary(uniqueKeysWithValues: FaultKind.allCases.map { ($0, 30_000) })
        let result = ScenarioRun(scenario: scenario, platform: .sim).run()
        Self.expectClean(result)
        #expect(Set(result.faults.keys) == Set(FaultKind.allCases))
        #expect(result.faults.values.reduce(0, +) > 0)
        #expect(result.host.spuriousInterrupts == result.faults[.spuriousIRQ])
        #expect(result.drivers.misprogrammed == result.faults[.guestMisprogram])
    }

    @Test func sameSeedSameFaultsDifferentSeedsDifferentFaults() {
        let all = Dictionary(uniqueKeysWithValues: FaultKind.allCases.map { ($0, UInt64(25_000)) })
        let a = ScenarioRun(scenario: Self.scenario(seed: 9, faults: all), platform: .sim).run()
        let b = ScenarioRun(scenario: Self.scenario(seed: 9, faults: all), platform: .sim).run()
        let c = ScenarioRun(scenario: Self.scenario(seed: 10, faults: all), platform: .sim).run()
        #expect(a.faults == b.faults)
        #expect(a.decisions == b.decisions)
        #expect(a.endTime == b.endTime)
        #expect(a.exits == b.exits)
        #expect(a.kvm == b.kvm)
        #expect(a.guestInterrupts == b.guestInterrupts)
        #expect(a.faults != c.faults || a.decisions != c.decisions)
    }

    /// A fault with mean interval I comes every I/2 to 3I/2: `migrate` (counted at each fault) over
    /// a fixed duration.
    @Test func faultsComeAtTheirMeanInterval() throws {
        var scenario = Self.scenario(faults: [.migrate: 20_000])
        scenario.budget = .duration(2_000_000)
        let result = ScenarioRun(scenario: scenario, platform: .sim).run()
        Self.expectClean(result)
        let count = try #require(result.faults[.migrate])
        #expect((2_000_000 / 30_000 - 1)...(2_000_000 / 10_000) ~= count)
        // The mean of the interval is I: well inside the bounds over ~100 faults.
        #expect((80...120).contains(count))
    }

    @Test func theIntervalIsUniformAroundItsMean() {
        var random = SplitMix64(seed: 3)
        let draws = (0..<10_000).map { _ in FaultChain.nextInterval(1_000, &random) }
        #expect(draws.min()! >= 500)
        #expect(draws.max()! <= 1_500)
        let mean = draws.reduce(0, +) / UInt64(draws.count)
        #expect((980...1_020).contains(mean))
        var tiny = SplitMix64(seed: 3)
        #expect((0...1).contains(FaultChain.nextInterval(1, &tiny)))
    }

    /// A run of bounded guests (``SimulatedRun``) takes faults too; its guests still power off.
    @Test func aSimulatedRunOfBoundedGuestsTakesFaults() throws {
        var run = SimulatedRun(cpus: 2, vms: [GuestWorkloadTests.vm(.profile, vcpus: 3, iterations: 60)], seed: 4)
        run.faults = [.guestMisprogram: 10_000, .stage2Unmap: 40_000]
        let result = run.run()
        GuestWorkloadTests.expectClean(result)
        #expect(result.outcome == .finished)
        #expect(result.guests.count == 3)
        let misprogrammed = try #require(result.figures.faults[.guestMisprogram])
        #expect(misprogrammed > 0)
        #expect(misprogrammed == result.figures.kvm.enableRefusals.values.reduce(0, +)
            - result.figures.kvm.enableRefusals[.stage2Unmapped, default: 0])
        #expect(result.figures.faults[.stage2Unmap, default: 0] > 0)
    }

    /// `host-perf` on one CPU: a job of that CPU starts the host's session, the next stops it.
    @Test func hostPerfTogglesTheSessionOnItsCPU() throws {
        let platform = SimulatedPlatform(cpus: 2, seed: 1)
        let distributor = try Distributor(cpuCount: 2)
        let cpu = try PhysicalCPU(index: 1, platform: platform, distributor: distributor, seed: 1, mutation: nil)
        let states = Mutex<[Bool]>([])
        platform.spawn(on: 1) {
            for _ in 0..<3 {
                let on = await cpu.toggleHostSession()
                let running = await cpu.device.host != nil
                states.withLock { $0 += [on, running] }
            }
        }
        #expect(platform.run() == .finished)
        #expect(states.withLock { $0 } == [true, true, false, false, true, true])
    }

    @Test func aRunWithoutFaultsInjectsNone() {
        let result = ScenarioRun(scenario: Self.scenario(faults: [:], exits: 500), platform: .sim).run()
        Self.expectClean(result)
        #expect(result.faults == [:])
        #expect(result.host.spuriousInterrupts == 0)
        #expect(result.drivers.misprogrammed == 0)
    }

    /// Mutations whose broken step only runs under a fault: the run without the fault is clean, the
    /// run with it breaks the mutation's rule.
    @Test(arguments: [
        (SPEMutation.stage2SyndromeToGuest, FaultKind.stage2Unmap, false),
        (.enableChecksSkipped, .guestMisprogram, false),
        (.hostNotPaused, .hostPerf, false),
        (.noDrainOnExit, .lateIRQ, true),
    ])
    func aFaultLetsARunCatchAMutationItOtherwiseMisses(mutation: SPEMutation, fault: FaultKind, hostPerf: Bool) throws {
        var quiet = Self.scenario(faults: [:])
        quiet.mutation = mutation
        quiet.hostPerf = hostPerf
        let missed = ScenarioRun(scenario: quiet, platform: .sim).run()
        #expect(missed.violations.map(\.description) == [])
        var faulty = quiet
        faulty.faults = [fault: 5_000]
        let caught = ScenarioRun(scenario: faulty, platform: .sim).run()
        let first = try #require(caught.violations.first)
        #expect(first.rule == mutation.rule)
        #expect(caught.faults[fault, default: 0] > 0)
    }
}
