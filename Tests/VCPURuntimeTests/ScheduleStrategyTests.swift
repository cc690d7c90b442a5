import SPEDevice
import Testing

@testable import VCPURuntime

/// The schedule strategies: `random` and `pct` pick deterministically from their seed, differ from
/// each other, and `pct` keeps to its priorities between change points.
@Suite struct ScheduleStrategyTests {
    /// `steps` picks of `strategy` over `lanes` lanes all runnable.
    static func picks(_ strategy: ScheduleStrategy, lanes: Int = 4, seed: UInt64, steps: Int = 200, expected: UInt64 = 200)
        -> [Int]
    {
        var picker = SchedulePicker(strategy, lanes: lanes, seed: seed, expectedSteps: expected)
        var random = SplitMix64(seed: seed)
        return (0..<steps).map { _ in picker.pick(Array(0..<lanes), random: &random) }
    }

    /// The lanes in the order a sequence of picks runs them, repeats collapsed.
    static func runs(_ picks: [Int]) -> [Int] {
        picks.enumerated().compactMap { index, lane in index > 0 && picks[index - 1] == lane ? nil : lane }
    }

    @Test(arguments: [ScheduleStrategy.random, .pct(depth: 1), .pct(depth: 3), .pct(depth: 10)])
    func theSameSeedPicksTheSame(_ strategy: ScheduleStrategy) {
        #expect(Self.picks(strategy, seed: 7) == Self.picks(strategy, seed: 7))
    }

    @Test func pctDiffersFromRandomAndSeedsDiffer() {
        let random = Self.picks(.random, seed: 7)
        let pct = Self.picks(.pct(depth: 3), seed: 7)
        #expect(pct != random)
        // Random switches lanes all the time; PCT runs its top lane until a change point.
        #expect(Self.runs(random).count > 100)
        #expect(Set((1...20).map { Self.picks(.pct(depth: 3), seed: $0) }).count > 5)
    }

    /// With every lane always runnable, PCT runs one lane, then another at each change point: at
    /// most `depth` runs, the top lane first; a dropped lane comes back only once every lane was
    /// dropped (depth 5 over 4 lanes).
    @Test(arguments: [1, 2, 3, 5])
    func pctChangesLaneOnlyAtChangePoints(depth: Int) {
        for seed in UInt64(1)...20 {
            let runs = Self.runs(Self.picks(.pct(depth: depth), seed: seed))
            #expect((1...depth).contains(runs.count), "seed \(seed): \(runs)")
            #expect(Set(runs.prefix(4)).count == min(runs.count, 4), "seed \(seed): a dropped lane came back early: \(runs)")
        }
        // Over seeds, every lane is sometimes the top one.
        #expect(Set((UInt64(1)...40).map { Self.picks(.pct(depth: depth), seed: $0)[0] }) == [0, 1, 2, 3])
    }

    /// A lane that is not runnable is passed over for the next priority; it runs again when runnable.
    @Test func pctRunsTheHighestRunnableLane() {
        var picker = SchedulePicker(.pct(depth: 1), lanes: 3, seed: 3, expectedSteps: 10)
        var random = SplitMix64(seed: 0)
        let top = picker.pick([0, 1, 2], random: &random)
        let others = [0, 1, 2].filter { $0 != top }
        let second = picker.pick(others, random: &random)
        #expect(others.contains(second))
        #expect(picker.pick(others, random: &random) == second)
        #expect(picker.pick([0, 1, 2], random: &random) == top)
    }

    @Test func names() {
        #expect(ScheduleStrategy(name: "random") == .random)
        #expect(ScheduleStrategy(name: "pct") == .pct(depth: ScheduleStrategy.defaultDepth))
        #expect(ScheduleStrategy(name: "PCT") == nil)
        #expect(ScheduleStrategy.pct(depth: 4).name == "pct")
        #expect(ScheduleStrategy.pct(depth: 4).depth == 4)
        #expect(ScheduleStrategy.random.depth == nil)
    }

    /// A whole scenario under `pct`: the same seed gives the same schedule and run, and the
    /// schedule is not `random`'s.
    @Test func aScenarioUnderPCTIsDeterministicAndNotRandom() {
        var scenario = Scenario(cpus: 2, vms: [VMScenario(vcpus: 2), VMScenario(vcpus: 2)], budget: .exits(300))
        scenario.seed = 5
        scenario.strategy = .pct(depth: 3)
        let a = ScenarioRun(scenario: scenario, platform: .sim).run()
        let b = ScenarioRun(scenario: scenario, platform: .sim).run()
        scenario.strategy = .random
        let random = ScenarioRun(scenario: scenario, platform: .sim).run()
        #expect(a.decisions.count > 300)
        #expect(a.decisions == b.decisions)
        #expect(a.eventsChecked == b.eventsChecked)
        #expect(a.decisions != random.decisions)
        #expect(a.isClean)
    }

    @Test func aDepthBelowOneIsRefused() {
        var scenario = Scenario(cpus: 1, vms: [VMScenario(vcpus: 1)], budget: .exits(10))
        scenario.strategy = .pct(depth: 0)
        #expect(throws: RuntimeError.scenario("depth: a PCT depth is at least 1 (1: priorities only, no change point), got 0")) {
            try scenario.validate()
        }
        scenario.strategy = .random
        scenario.faults = [.migrate: 0]
        #expect(throws: RuntimeError.scenario("faults: migrate's mean interval must be longer than 0 (leave the fault out for none)")) {
            try scenario.validate()
        }
    }
}
