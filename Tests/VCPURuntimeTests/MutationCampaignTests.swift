import SPEDevice
import Testing

@testable import VCPURuntime

/// One mutation of either catalogue, and the rule it breaks.
enum AnyMutation: Hashable, Sendable, CustomTestStringConvertible {
    case spe(SPEMutation)
    case runtime(RuntimeMutation)

    static let all: [AnyMutation] = SPEMutation.allCases.map(Self.spe) + RuntimeMutation.allCases.map(Self.runtime)

    var rule: String {
        switch self {
        case .spe(let mutation): mutation.rule.rawValue
        case .runtime(let mutation): mutation.rule.rawValue
        }
    }

    var testDescription: String {
        switch self {
        case .spe(let mutation): mutation.rawValue
        case .runtime(let mutation): mutation.rawValue
        }
    }

    func apply(to scenario: inout Scenario) {
        switch self {
        case .spe(let mutation): scenario.mutation = mutation
        case .runtime(let mutation): scenario.runtimeMutation = mutation
        }
    }
}

/// Every mutation of both catalogues, run as a stress campaign over seeds 1...5, is caught as a
/// violation of its own rule: the checker has teeth, and the runtime's scenarios reach every rule.
@Suite struct MutationCampaignTests {
    /// The seeds every campaign runs.
    static let seeds = SeedPlan(start: 1, count: 5)

    /// The campaign's scenario: 4 VCPUs of `mixed` in 2 VMs on 2 CPUs migrating every 1 ms, 1,000
    /// exits a seed, except where a mutation needs more to show (`docs/performance.md` has the
    /// seeds each needs with `spe-vm stress`).
    static func scenario(for mutation: AnyMutation) -> Scenario {
        var scenario = Scenario(cpus: 2, vms: [VMScenario(vcpus: 2), VMScenario(vcpus: 2)], budget: .exits(1_000))
        scenario.migrateEvery = 1_000_000
        switch mutation {
        case .spe(.pmbidrMaxSizeNotShown):
            // PMBIDR_EL1 differs from hardware only when the VMM sets a maximum buffer size.
            for index in scenario.vms.indices { scenario.vms[index].maxBufferSize = 8192 }
        case .spe(.hostNotPaused):
            // Only a host session can be left sampling at a switch.
            scenario.hostPerf = true
        case .spe(.noDrainOnExit):
            // A guest sample still in flight at an exit lands in the host's buffer: it takes a host
            // session, and happens most often with one VCPU of `mixed` alone on its CPU.
            scenario = Scenario(cpus: 1, vms: [VMScenario(vcpus: 1)], budget: .exits(1_000))
            scenario.hostPerf = true
        case .spe(.noPMBSRZeroOnEntry), .spe(.hostSyndromeDropped):
            // Hardware PMBSR_EL1 is non-zero at an entry only when the host's buffer filled: its
            // 64 KiB take about 5,000 exits of host work on a CPU. One cheap VCPU gets there fastest.
            scenario = Scenario(cpus: 1, vms: [VMScenario(vcpus: 1, workload: .trapStorm)], budget: .exits(6_000))
            scenario.hostPerf = true
        case .runtime(.spuIgnored):
            // Each VM's SPU is one CPU, so a VCPU placed anywhere else breaks the rule.
            scenario.vms[0].spu = [0]
            scenario.vms[1].spu = [1]
        case .spe(.stage2SyndromeToGuest):
            // Only a stage-2 fault makes the hardware report one: the VMM unmapping under a buffer.
            scenario.faults = [.stage2Unmap: 200_000]
        case .spe(.enableChecksSkipped):
            // The checks refuse only a bad buffer: a misprogramming guest enables one.
            scenario.faults = [.guestMisprogram: 200_000]
        case .spe(.pmsidrNotMasked):
            // The guest's PMSIDR_EL1 differs from hardware only when the VMM hides a feature.
            scenario.vms[1].hiddenFeatures = [.FnE]
        case .spe(.discardModeWrites):
            // Only a buffer in discard mode must stay unwritten.
            for index in scenario.vms.indices { scenario.vms[index].sampling = .discard }
        case .spe(.dropNotCounted):
            // Only a filter drops a sample as filtered.
            for index in scenario.vms.indices { scenario.vms[index].sampling = .loads }
        case .spe(.syndromeOverwritten):
            // The broken check fires on a write that sets E on a bad buffer while S is still 1: the
            // legacy driver sets E before it clears S, and a misprogramming guest makes it a bad one.
            for index in scenario.vms.indices { scenario.vms[index].driverStyle = .legacy }
            scenario.faults = [.guestMisprogram: 200_000]
        case .spe(.samplingWhileStopped):
            // The unit samples with S=1 and E=1 only in host work that goes on, masked, after the
            // host's buffer filled: enough host work per exit for several samples after it.
            scenario.hostPerf = true
            scenario.hostOperationsPerExit = 20_000
        default:
            break
        }
        mutation.apply(to: &scenario)
        return scenario
    }

    /// Each scenario above has what its mutation needs to show (``Scenario/missingIngredient(for:)``),
    /// and the bare scenario (no fault, host session, hidden feature or driver option) lacks it for
    /// exactly these.
    @Test func everyScenarioHasItsMutationsIngredient() {
        for mutation in AnyMutation.all {
            #expect(Self.scenario(for: mutation).missingIngredientForItsMutation == nil, "\(mutation)")
        }
        var bare = Scenario(cpus: 2, vms: [VMScenario(vcpus: 2), VMScenario(vcpus: 2)], budget: .exits(1_000))
        bare.migrateEvery = 1_000_000
        let lacking = AnyMutation.all.filter { mutation in
            var scenario = bare
            mutation.apply(to: &scenario)
            return scenario.missingIngredientForItsMutation != nil
        }
        #expect(lacking == [
            .spe(.pmsidrNotMasked), .spe(.pmbidrMaxSizeNotShown), .spe(.syndromeOverwritten), .spe(.discardModeWrites),
            .spe(.samplingWhileStopped), .spe(.dropNotCounted), .spe(.noPMBSRZeroOnEntry), .spe(.hostNotPaused),
            .spe(.noDrainOnExit), .spe(.stage2SyndromeToGuest), .spe(.hostSyndromeDropped), .spe(.enableChecksSkipped),
            .runtime(.spuIgnored),
        ])
        // A type filter its VM does not show, or too little host work, is still not enough.
        var hiddenFilter = bare
        hiddenFilter.vms[0].sampling = .loads
        hiddenFilter.vms[0].hiddenFeatures = [.FT]
        #expect(hiddenFilter.missingIngredient(for: .dropNotCounted) != nil)
        var littleWork = bare
        littleWork.hostPerf = true
        #expect(littleWork.missingIngredient(for: .samplingWhileStopped) != nil)
        littleWork.hostOperationsPerExit = 1_025
        #expect(littleWork.missingIngredient(for: .samplingWhileStopped) == nil)
    }

    /// The scenarios above without their mutations, each once.
    static let unmutatedScenarios: [Scenario] = AnyMutation.all.reduce(into: []) { scenarios, mutation in
        var scenario = scenario(for: mutation)
        scenario.mutation = nil
        scenario.runtimeMutation = nil
        if !scenarios.contains(scenario) { scenarios.append(scenario) }
    }

    /// What catches a mutation is the mutation: each scenario is clean on the same seeds without it.
    @Test(arguments: unmutatedScenarios)
    func everyScenarioIsCleanWithoutItsMutation(_ scenario: Scenario) {
        let summary = StressCampaign(scenario: scenario, seeds: Self.seeds, jobs: 1).run()
        #expect(summary.seedsRun == 5)
        #expect(summary.firstFailure == nil, "\(summary.firstFailure?.failure.description ?? "")")
    }

    @Test(arguments: AnyMutation.all)
    func aCampaignCatchesTheMutationAsItsRule(_ mutation: AnyMutation) {
        let campaign = StressCampaign(scenario: Self.scenario(for: mutation), seeds: Self.seeds, jobs: 1)
        let summary = campaign.run()
        #expect(summary.firstFailure?.failure.name == mutation.rule, "\(mutation): \(summary.firstFailure?.failure.description ?? "no failure")")
    }
}
