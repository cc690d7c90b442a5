import HostIRQ
import SPEDevice
import Testing

@testable import VCPURuntime

/// Whole scenarios on the simulated platform: several VMs with and without SPE, over-committed,
/// migrating, with a host perf session on every CPU.
@Suite struct ScenarioRunTests {
    static func scenario(seed: UInt64, exits: UInt64 = 8_000) -> Scenario {
        var profile = VMScenario(vcpus: 3, workload: .profile)
        profile.maxBufferSize = 4096
        profile.spu = [1, 2]
        var scenario = Scenario(
            cpus: 3,
            vms: [
                VMScenario(vcpus: 4, workload: .mixed), profile, VMScenario(vcpus: 2, workload: .idle, hasSPE: false),
                VMScenario(vcpus: 1, workload: .trapStorm),
            ],
            budget: .exits(exits))
        scenario.seed = seed
        scenario.hostPerf = true
        scenario.migrateEvery = 50_000
        scenario.timeSlice = 200_000
        return scenario
    }

    @Test func severalVMsOverCommittedBreakNoRuleAndConserveTheirCounts() throws {
        let result = ScenarioRun(scenario: Self.scenario(seed: 21), platform: .sim).run()
        #expect(result.outcome == .finished)
        #expect(result.violations.map(\.description) == [])
        #expect(result.runtimeViolations.map(\.description) == [])
        #expect(result.escapedJobs == 0)
        #expect(result.vcpus.count == 10)
        // An exit budget is overshot by at most one exit per VCPU.
        #expect((8_000...8_010).contains(result.exits.total))
        #expect(result.vcpus.reduce(0) { $0 + $1.exits.total } == result.exits.total)
        // Every sample became a record or was dropped for a named reason.
        #expect(result.unit.sampled == result.unit.written + result.unit.droppedTotal + result.unit.inFlight)
        #expect(result.unit.written > 0)
        // Every SPE interrupt a guest took reached its driver.
        #expect(result.drivers.interrupts == result.guestInterrupts[INTID.spePMBIRQ.rawValue] ?? 0)
        #expect(result.drivers.interrupts > 0)
        #expect(result.drivers.recordsConsumed > 0)
        #expect(result.drivers.faults == 0)
        // The idle VMs block; the storm exits only for its accesses; the profile VM stays on its SPU.
        for vcpu in result.vcpus where vcpu.id.vm == 2 { #expect(vcpu.exits[.wfi] > 0, "\(vcpu.id)") }
        let storm = try #require(result.vcpus.last)
        #expect(storm.exits[.sysreg] > 0)
        #expect(result.migrations > 0)
        #expect(result.schedulingLatency.count > 0)
    }

    @Test func sameSeedSameRunDifferentSeedsDifferentRuns() {
        let a = ScenarioRun(scenario: Self.scenario(seed: 5, exits: 2_000), platform: .sim).run()
        let b = ScenarioRun(scenario: Self.scenario(seed: 5, exits: 2_000), platform: .sim).run()
        #expect(a.decisions == b.decisions)
        #expect(a.exits == b.exits)
        #expect(a.endTime == b.endTime)
        #expect(a.unit == b.unit)
        #expect(a.schedulingLatency == b.schedulingLatency)
        let others = (6..<10).map { ScenarioRun(scenario: Self.scenario(seed: $0, exits: 2_000), platform: .sim).run() }
        #expect(Set(others.map(\.decisions) + [a.decisions]).count == 5)
        #expect(Set(others.map(\.endTime) + [a.endTime]).count == 5)
    }
}
