import SPEDevice
import Testing

@testable import VCPURuntime

/// The shrinker: a known failing scenario gets smaller in every measure and still breaks its rule;
/// nothing it returns is larger than what it was given.
@Suite struct ShrinkerTests {
    /// 8 VCPUs in 2 VMs on 2 CPUs with every fault and the migrator, 1,000 exits: `mutation` on seed 1.
    static func large(_ mutation: SPEMutation) -> Scenario {
        var scenario = Scenario(cpus: 2, vms: [VMScenario(vcpus: 4), VMScenario(vcpus: 4)], budget: .exits(1_000))
        scenario.migrateEvery = 1_000_000
        scenario.faults = FaultKind.allAtDefaultIntervals
        scenario.mutation = mutation
        return scenario
    }

    static func shrink(_ scenario: Scenario) throws -> (Shrinker.Outcome, RunResult) {
        let failing = ScenarioRun(scenario: scenario, platform: .sim).run()
        let rule = try #require(failing.failure?.name)
        return (Shrinker(rule: rule).shrink(scenario, failing: failing), failing)
    }

    /// `no-service-clear-on-exit` breaks its rule at the first buffer-full exit of any VCPU: one
    /// VCPU on one CPU, nothing else, a handful of exits still show it.
    @Test func aKnownCaseShrinksToOneVCPUOnOneCPU() throws {
        let input = Self.large(.noServiceClearOnExit)
        let (outcome, _) = try Self.shrink(input)
        let size = ShrinkSize(outcome.scenario)
        #expect(size.isNoLarger(than: ShrinkSize(input)))
        #expect(size.vms == 1)
        #expect(size.vcpus == 1)
        #expect(size.cpus == 1)
        #expect(size.faults == 0)
        #expect(size.migrator == 0)
        #expect(size.budget < 100)
        #expect(outcome.result.failure?.name == "hw-service-cleared-on-exit")
        #expect(outcome.steps.first == "remove vm1")
        // The smallest scenario fails the same way when run again.
        let again = ScenarioRun(scenario: outcome.scenario, platform: .sim).run()
        #expect(again.failure == outcome.result.failure)
        #expect(again.decisions == outcome.result.decisions)
    }

    /// A scenario with nothing left to take away comes back as it was.
    @Test func aMinimalScenarioStaysAsItIs() throws {
        var input = Scenario(cpus: 1, vms: [VMScenario(vcpus: 1)], budget: .exits(1_000))
        input.mutation = .noServiceClearOnExit
        let failing = ScenarioRun(scenario: input, platform: .sim).run()
        input.budget = .exits(failing.exits.total)
        let (outcome, _) = try Self.shrink(input)
        #expect(ShrinkSize(outcome.scenario).isNoLarger(than: ShrinkSize(input)))
        #expect(outcome.scenario.vcpuCount == 1)
        #expect(outcome.result.failure?.name == "hw-service-cleared-on-exit")
    }

    /// Whatever it is given, the result is no larger in any measure and still breaks the rule.
    @Test(arguments: [SPEMutation.noPMBPTRReadBack, .virqNotLowered, .ownershipNotReturned])
    func neverLarger(_ mutation: SPEMutation) throws {
        let input = Self.large(mutation)
        let (outcome, failing) = try Self.shrink(input)
        #expect(ShrinkSize(outcome.scenario).isNoLarger(than: ShrinkSize(input)))
        #expect(ShrinkSize(outcome.scenario) != ShrinkSize(input))
        #expect(outcome.result.failure?.name == failing.failure?.name)
        #expect(outcome.runs <= Shrinker(rule: "").maximumRuns)
    }

    @Test func reductionsAreValidAndEachSmaller() {
        var scenario = Self.large(.noServiceClearOnExit)
        scenario.vms[1].spu = [1]
        scenario.hostPerf = true
        let failing = ScenarioRun(scenario: scenario, platform: .sim).run()
        let reductions = Shrinker.reductions(of: scenario, failing: failing)
        #expect(reductions.map(\.0).prefix(6) == ["remove vm1", "remove vm0", "vm0: 2 VCPUs", "vm0: 3 VCPUs", "vm1: 2 VCPUs", "vm1: 3 VCPUs"])
        for (step, candidate) in reductions {
            #expect((try? candidate.validate()) != nil, "\(step)")
            #expect(ShrinkSize(candidate).isNoLarger(than: ShrinkSize(scenario)), "\(step)")
            #expect(ShrinkSize(candidate) != ShrinkSize(scenario), "\(step)")
        }
        // One CPU cannot keep vm1's SPU of CPU 1: that reduction is not offered.
        #expect(!reductions.contains { $0.0 == "1 physical CPU" })
    }
}
