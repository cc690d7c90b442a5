import HostIRQ
import SPEDevice
import Testing

@testable import VCPURuntime

/// Whole scenarios on the live platform: real threads, real races. Only facts that hold whatever
/// the schedule are asserted: conservation of samples, interrupts and exits, and no broken rule.
@Suite(.serialized) struct LiveRunTests {
    static func scenario(budget: RunBudget) -> Scenario {
        var scenario = Scenario(
            cpus: 2,
            vms: [
                VMScenario(vcpus: 3, workload: .mixed), VMScenario(vcpus: 1, workload: .idle, hasSPE: false),
                VMScenario(vcpus: 1, workload: .trapStorm), VMScenario(vcpus: 1, workload: .profile),
            ],
            budget: budget)
        scenario.seed = 3
        scenario.hostPerf = true
        scenario.migrateEvery = 200_000
        scenario.timeSlice = 500_000
        return scenario
    }

    /// The counts a run must conserve, whatever its schedule.
    static func expectConserved(_ result: RunResult) {
        #expect(result.violations.map(\.description) == [])
        #expect(result.runtimeViolations.map(\.description) == [])
        #expect(result.vcpus.count == 6)
        // Exits: every one counted once on its CPU and once on its VCPU.
        #expect(result.vcpus.reduce(0) { $0 + $1.exits.total } == result.exits.total)
        #expect(result.exits.total > 0)
        // Samples: each became a record, was dropped for a named reason, or is still in flight
        // (a host session samples on after the run's last exit).
        #expect(result.unit.sampled == result.unit.written + result.unit.droppedTotal + result.unit.inFlight)
        // Interrupts: each SPE interrupt a guest took reached its driver; the guests took exactly
        // the virtual interrupts their interfaces delivered.
        #expect(result.drivers.interrupts == result.guestInterrupts[INTID.spePMBIRQ.rawValue] ?? 0)
        #expect(result.virtualInterrupts.delivered == result.guestInterrupts.values.reduce(0, +))
        // Pins: at most one buffer per VCPU is still pinned at the end.
        #expect(result.kvm.pins >= result.kvm.unpins)
        #expect(result.kvm.pins - result.kvm.unpins <= 6)
        // Scheduling latency: one sample per entry after becoming runnable, at most one per entry.
        #expect(result.schedulingLatency.count <= result.vcpus.reduce(0) { $0 + $1.entries })
    }

    @Test func aDurationRunOnRealThreadsConservesItsCounts() {
        let result = ScenarioRun(scenario: Self.scenario(budget: .duration(60_000_000)), platform: .live).run()
        #expect(result.outcome == .finished)
        #expect(result.platform == .live)
        #expect(result.endTime >= 60_000_000)
        Self.expectConserved(result)
    }

    @Test func anExitBudgetOnRealThreadsIsOvershotByAtMostOneExitPerVCPU() {
        let result = ScenarioRun(scenario: Self.scenario(budget: .exits(2_000)), platform: .live).run()
        #expect(result.outcome == .finished)
        #expect((2_000...2_006).contains(result.exits.total))
        Self.expectConserved(result)
    }

    /// Every fault on real threads: its ticks run off the CPUs, its requests and armed faults are
    /// taken by the CPUs themselves, its host-perf jobs are spawned on them. Only facts that hold
    /// whatever the schedule: nothing breaks, counts are conserved, and faults were injected.
    @Test func everyFaultOnRealThreadsBreaksNoRule() {
        var scenario = Self.scenario(budget: .duration(40_000_000))
        scenario.faults = Dictionary(uniqueKeysWithValues: FaultKind.allCases.map { ($0, 500_000) })
        let result = ScenarioRun(scenario: scenario, platform: .live).run()
        #expect(result.outcome == .finished)
        Self.expectConserved(result)
        #expect(Set(result.faults.keys) == Set(FaultKind.allCases))
        #expect(result.faults.values.reduce(0, +) > 0)
    }

    /// A broken model is caught on real threads too, and the run stops at the violation.
    @Test func aMutationIsCaughtAndStopsTheRun() throws {
        var scenario = Scenario(cpus: 2, vms: [VMScenario(vcpus: 2, workload: .profile)], budget: .duration(5_000_000_000))
        scenario.mutation = .noServiceClearOnExit
        let result = ScenarioRun(scenario: scenario, platform: .live).run()
        guard case .stopped = result.outcome else {
            Issue.record("the run ended \(result.outcome), not stopped")
            return
        }
        let first = try #require(result.violations.first)
        #expect(first.rule == SPEMutation.noServiceClearOnExit.rule)
        #expect(result.report != nil)
    }

    /// A traced run on real threads: the trace is read back and holds what holds whatever the
    /// schedule: guest runs on one CPU never overlap, flows pair up, run queues move by one, and
    /// the counts are the run's.
    @Test func aTracedRunOnRealThreadsTracesWhatItCounted() throws {
        var run = ScenarioRun(scenario: Self.scenario(budget: .duration(60_000_000)), platform: .live)
        run.traceLimit = RunTrace.defaultLimit
        let result = run.run()
        #expect(result.outcome == .finished)
        Self.expectConserved(result)
        let trace = try #require(result.trace)
        #expect(trace.platform == .live)
        let parsed = try ParsedTrace(trace.chromeTraceJSON)
        parsed.expectWellFormed(cpus: 2, vcpus: 6)
        parsed.expectCounts(of: result)
        #expect(trace.counts.guestRuns > 0)
        #expect(trace.counts.flows <= trace.counts.virtualInterrupts)
    }
}
