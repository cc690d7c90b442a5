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

    /// A broken rule stops the run: a lost timer would leave its VCPU blocked for ever.
    @Test func aViolationStopsTheRun() throws {
        let result = MultiVMRunTests.mixedRun(seed: 8, runtimeMutation: .timerLineNotRaised)
        guard case .stopped(let live) = result.outcome else {
            Issue.record("the run ended \(result.outcome), not stopped")
            return
        }
        #expect(live > 0)
        #expect(result.endTime < 100_000_000)
    }

    /// An SPE rule broken in a run stops it with a report: the rule, CPU, VCPU, the CPU's last
    /// events, and the seed that replays it.
    @Test func anSPEViolationStopsTheRunWithAReport() throws {
        var run = SimulatedRun(
            cpus: 2, vms: [.init(vcpus: 2) { ProfileWorkload(base: 0x8000_0000 + UInt64($0) * 0x10_0000, chunks: 4) }],
            seed: 9)
        run.mutation = .noServiceClearOnExit
        let result = run.run()
        guard case .stopped = result.outcome else {
            Issue.record("the run ended \(result.outcome), not stopped")
            return
        }
        let report = try #require(result.report)
        let lines = report.lines(replay: "spe-vm run --seed 9")
        #expect(lines.first?.hasPrefix("violation: hw-service-cleared-on-exit on cpu") == true)
        #expect(lines.count == 2 + 32 + 1)
        #expect(lines.last == "replay: spe-vm run --seed 9 (seed 9)")
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
