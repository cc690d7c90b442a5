/// A scenario run on a platform, start to end: the composition root of a run (CPUs, VMs, VCPUs,
/// the host scheduler, the migrator, the budget), the same on both platforms.
public struct ScenarioRun: Sendable {
    public var scenario: Scenario
    public var platform: PlatformKind

    public init(scenario: Scenario, platform: PlatformKind) {
        self.scenario = scenario
        self.platform = platform
    }

    /// Runs the scenario to its end and returns its figures.
    public func run() -> RunResult {
        // Work in progress on this branch: the driver lands with the host scheduler.
        RunResult(scenario: scenario, platform: platform, outcome: .finished)
    }
}
