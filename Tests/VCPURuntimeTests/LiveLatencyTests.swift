import HostIRQ
import Testing

@testable import VCPURuntime

/// Latencies on the live platform: the real clock, so only counts and orders are asserted; and
/// cyclictest's measures, taken where the process may and reported either way.
@Suite(.serialized) struct LiveLatencyTests {
    static func idleScenario(loops: Int) -> Scenario {
        var scenario = Scenario(cpus: 2, vms: [VMScenario(vcpus: 4, workload: .idle)], budget: .duration(5_000_000_000))
        scenario.timerPeriod = 200_000
        scenario.guestIterations = loops
        scenario.migrateEvery = nil
        return scenario
    }

    /// Every VCPU takes its 40 timer interrupts and powers off, which ends the run; each interrupt
    /// is one timer sample, on its VCPU and in the run's total.
    @Test func everyTimerInterruptIsATimerSample() throws {
        let result = ScenarioRun(scenario: Self.idleScenario(loops: 40), platform: .live).run()
        #expect(result.outcome == .finished)
        #expect(result.isClean)
        #expect(result.endTime < 5_000_000_000)
        #expect(result.guestInterrupts[INTID.virtualTimer.rawValue] == 160)
        #expect(result.latency.histogram(.timer).count == 160)
        for vcpu in result.vcpus {
            let timer = try #require(vcpu.latency[.timer])
            #expect(timer.histogram.count == 40)
            #expect(timer.maxStart <= timer.maxEnd)
            // Each wake by the timer is a wakeup sample at most (a timer may also fire before the VCPU blocks).
            #expect(vcpu.latency.histogram(.wakeup).count <= 40)
        }
        #expect(result.measures == MeasureOutcomes())
    }

    /// The kinds an idle run does not record, on real threads: two profiling VCPUs, one per CPU,
    /// 10 chunks each, with the kick-storm fault sending virtual interrupts to them while they
    /// compute. Each VCPU's guest fills its 16 KiB buffer 3 times whatever the schedule (778
    /// samples, 256 records a buffer), so its driver sees `S` after 3 management events: 6
    /// `spe-irq` samples. Every exit that re-entered without giving the CPU up is an `exit` sample
    /// split into SPE's work and the rest, which add up to it; kicks sent to a VCPU in the guest are
    /// `kick` samples.
    @Test func exitSPEIRQAndKickLatenciesOnRealThreads() {
        var scenario = Scenario(cpus: 2, vms: [VMScenario(vcpus: 2, workload: .profile)], budget: .duration(5_000_000_000))
        scenario.guestIterations = 10
        scenario.migrateEvery = nil
        scenario.faults = [.kickStorm: 100_000]
        let result = ScenarioRun(scenario: scenario, platform: .live).run()
        #expect(result.outcome == .finished)
        #expect(result.isClean)
        let latency = result.latency
        #expect(result.drivers.interrupts == 6)
        #expect(latency.histogram(.speIRQ).count == 6)
        let exit = latency.histogram(.exit)
        let spe = latency.histogram(.exitSPE)
        let rest = latency.histogram(.exitRest)
        #expect(exit.count > 0)
        #expect(spe.count == exit.count && rest.count == exit.count)
        #expect(spe.sum &+ rest.sum == exit.sum)
        // Every exit re-entered but the last of each slice (the VCPU gave the CPU up, or powered off).
        let slices = result.vcpus.reduce(0) { $0 + $1.switches }
        #expect(slices >= 2)
        #expect(exit.count + slices == result.exits.total)
        let kick = latency.histogram(.kick)
        #expect(kick.count > 0)
        #expect(kick.count <= result.virtualInterrupts.kicksSent)
    }

    /// Asked for, each measure is in effect or says why not, and the run goes on either way.
    @Test func measuresAreTakenOrReportedNeverFatal() {
        var run = ScenarioRun(scenario: Self.idleScenario(loops: 5), platform: .live)
        run.measures = LiveMeasures(realtimePriority: 10, lockMemory: true, holdLatencyQoS: true)
        let result = run.run()
        #expect(result.outcome == .finished)
        #expect(result.isClean)
        let outcomes = result.measures
        for state in [outcomes.realtimePriority, outcomes.lockMemory, outcomes.latencyQoS] {
            switch state {
            case .inEffect: break
            case .notTaken(let why): #expect(!why.isEmpty)
            case .notAsked: Issue.record("a measure asked for is reported as not asked")
            }
        }
        #expect(outcomes.priority == 10)
        #expect(outcomes.effectivePriority == (outcomes.realtimePriority == .inEffect ? 10 : 0))
    }

    /// The simulated platform has no threads to take measures for: it says so.
    @Test func theSimulatedPlatformTakesNoMeasures() {
        var run = ScenarioRun(scenario: Self.idleScenario(loops: 3), platform: .sim)
        run.measures = LiveMeasures(realtimePriority: 80, lockMemory: true, holdLatencyQoS: false)
        let result = run.run()
        #expect(result.outcome == .finished)
        #expect(result.measures.realtimePriority == .notTaken("the simulated platform runs no real threads"))
        #expect(result.measures.lockMemory == .notTaken("the simulated platform runs no real threads"))
        #expect(result.measures.latencyQoS == .notAsked)
        #expect(result.measures.effectivePriority == 0)
    }
}
