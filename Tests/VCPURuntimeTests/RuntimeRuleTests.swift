import Testing

@testable import VCPURuntime

/// Each runtime rule holds in the correct model and is reported, as itself, when its mutation
/// breaks it.
@Suite struct RuntimeRuleTests {
    @Test func correctModelBreaksNoRuntimeRule() {
        let result = MultiVMRunTests.mixedRun(seed: 8)
        #expect(result.runtimeViolations.map(\.description) == [])
        #expect(result.outcome == .finished)
    }

    @Test(arguments: RuntimeMutation.allCases)
    func mutationIsReportedAsItsRule(_ mutation: RuntimeMutation) throws {
        let result = MultiVMRunTests.mixedRun(seed: 8, runtimeMutation: mutation)
        let first = try #require(result.runtimeViolations.first, "\(mutation) broke no rule")
        #expect(first.rule == mutation.rule, "\(mutation): first violation \(first)")
    }

    @Test func everyRuntimeRuleHasAMutation() {
        let covered = Set(RuntimeMutation.allCases.map(\.rule))
        #expect(RuntimeRule.allCases.filter { !covered.contains($0) } == [])
    }

    /// A lost timer leaves its VCPU blocked for ever: the run stops at its time limit with that VCPU
    /// and the migrator alive, rather than hanging.
    @Test func aLostTimerStopsTheRunAtItsTimeLimit() {
        let result = MultiVMRunTests.mixedRun(seed: 8, runtimeMutation: .timerLineNotRaised)
        #expect(result.outcome == .timeLimit(liveTasks: 2))
    }

    /// A model whose jobs never let virtual time advance is stopped as a livelock.
    @Test func jobsWithoutProgressAreALivelock() {
        let platform = SimulatedPlatform(cpus: 1, seed: 1)
        let spinner = Spinner(platform)
        platform.spawn(on: 0) { await spinner.spin() }
        #expect(platform.run() == .livelock(liveTasks: 1))
        #expect(platform.jobsRun > SimulatedPlatform.livelockJobs)
    }
}

/// An actor that hops to its own CPU for ever without time passing.
actor Spinner {
    nonisolated let unownedExecutor: UnownedSerialExecutor
    init(_ platform: SimulatedPlatform) { unownedExecutor = platform.serialExecutor(cpu: 0) }
    func spin() async {
        while true { await Task.yield() }
    }
}
