import SPEDevice

/// A scenario run on a platform, start to end: the same CPUs, VMs, VCPUs, host scheduler,
/// migrator, budget and checker on both platforms; only the platform differs.
public struct ScenarioRun: Sendable {
    public var scenario: Scenario
    public var platform: PlatformKind
    /// The latencies that keep cyclictest's 1 µs buckets as well (nil: none).
    public var linearBuckets: LinearBucketRequest?
    /// Live platform: cyclictest's measures for fair latency figures (none by default).
    public var measures = LiveMeasures()
    /// Trace the run, keeping at most this many records (``RunResult/trace``); nil, the default:
    /// no trace.
    public var traceLimit: Int?

    public init(scenario: Scenario, platform: PlatformKind) {
        self.scenario = scenario
        self.platform = platform
    }

    /// Each VCPU's buffer: its own 1 MiB-aligned slot of its VM's address space.
    public static func bufferBase(vcpu index: Int) -> UInt64 { 0x8000_0000 + UInt64(index) * 0x10_0000 }

    /// **Model decision:** how long a run may go on past its budget before it is cut off (a broken
    /// model may leave a VCPU blocked or storming for ever): a second of platform time past a
    /// duration; an hour for an exit budget.
    static func timeLimit(for budget: RunBudget) -> UInt64 {
        switch budget {
        case .duration(let ns): ns &+ 1_000_000_000
        case .exits: 3_600_000_000_000
        }
    }

    /// **Model decision:** the run length `pct` spreads its change points over, in scheduling
    /// decisions, from the budget alone (so a seed means the same run whatever ran before it, unlike
    /// Coyote's and shuttle's estimate from earlier iterations). The default scenario takes 2.1–2.4
    /// decisions per exit and one per 1.2–1.4 µs of platform time; the estimate stays just under,
    /// so the change points fall inside the run.
    static func expectedSteps(for budget: RunBudget) -> UInt64 {
        switch budget {
        case .exits(let n): n > UInt64.max / decisionsPerExit ? .max : n * decisionsPerExit
        case .duration(let ns): max(1, ns / nanosecondsPerDecision)
        }
    }

    static let decisionsPerExit: UInt64 = 2
    static let nanosecondsPerDecision: UInt64 = 1_500

    /// Runs the scenario to its end (blocking the calling thread) and returns its figures. The
    /// scenario should have passed ``Scenario/validate()``.
    public func run() -> RunResult {
        let scenario = scenario
        let plan = RunPlan(
            cpus: scenario.cpus,
            vms: scenario.vms.enumerated().map { vmIndex, vm in
                RunPlan.VM(
                    hasSPE: vm.hasSPE, vcpus: vm.vcpus, kind: vm.workload,
                    workload: { id in
                        var setup = GuestSetup(
                            vcpu: id, hasSPE: vm.hasSPE, bufferBase: Self.bufferBase(vcpu: id.index),
                            seed: scenario.seed ^ (UInt64(vmIndex) << 32 | UInt64(id.index)) &* 0x9E37_79B9_7F4A_7C15,
                            iterations: scenario.guestIterations)
                        setup.timerPeriod = scenario.timerPeriod
                        setup.driverStyle = vm.driverStyle
                        setup.sampling = vm.sampling
                        return vm.workload.makeGuest(setup)
                    },
                    maxBufferSize: vm.maxBufferSize, lockedMemoryLimit: vm.lockedMemoryLimit, spu: vm.spu,
                    hiddenFeatures: vm.hiddenFeatures)
            },
            seed: scenario.seed, migrateEvery: scenario.migrateEvery, timeSlice: scenario.timeSlice,
            hostPerf: scenario.hostPerf, hostOperationsPerExit: scenario.hostOperationsPerExit, mutation: scenario.mutation,
            runtimeMutation: scenario.runtimeMutation, budget: scenario.budget, timeLimit: Self.timeLimit(for: scenario.budget),
            linearBuckets: linearBuckets, traceLimit: traceLimit)
        switch platform {
        case .sim:
            let platform = SimulatedPlatform(
                cpus: scenario.cpus, seed: scenario.seed, strategy: scenario.strategy,
                expectedSteps: Self.expectedSteps(for: scenario.budget))
            var result = plan.drive(on: platform, kind: .sim, scenario: scenario).result
            result.measures = MeasureOutcomes(notTaking: measures, because: "the simulated platform runs no real threads")
            return result
        case .live:
            let platform = LivePlatform(cpus: scenario.cpus, idle: scenario.idle, busyGuest: scenario.busyGuest,
                measures: measures)
            var result = plan.drive(on: platform, kind: .live, scenario: scenario).result
            result.oversubscribed = platform.oversubscribed
            result.measures = platform.measureOutcomes
            return result
        }
    }
}
