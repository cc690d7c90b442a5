import HostIRQ
import SPEDevice
import Synchronization

/// Many seeds of one scenario on the simulated platform, in parallel: `spe-vm stress`.
///
/// Each of ``jobs`` threads runs its own simulator, one seed after another; the threads share an
/// atomic counter of the seeds handed out, a stop flag, and the summary they add their figures to.
/// A seed fails when its run is not clean (``RunResult/failure``). At the first failure no new seed
/// starts and the seeds in flight finish, so every seed before the failing one has run and the
/// lowest failing seed the summary reports is the same whatever ``jobs`` is (only how many seeds
/// after it ran differs). A wall-clock limit stops handing out seeds once it has passed.
public struct StressCampaign: Sendable {
    /// The scenario every seed runs, its seed replaced by the seed's.
    public var scenario: Scenario
    /// The seeds it runs.
    public var seeds: SeedPlan
    /// Threads running seeds at once.
    public var jobs: Int
    /// Wall-clock nanoseconds after which no new seed starts (nil: none).
    public var wallLimit: UInt64?

    /// A campaign of `seeds` of `scenario` on `jobs` threads, starting no seed after `wallLimit`
    /// nanoseconds of wall time.
    public init(scenario: Scenario, seeds: SeedPlan, jobs: Int, wallLimit: UInt64? = nil) {
        self.scenario = scenario
        self.seeds = seeds
        self.jobs = jobs
        self.wallLimit = wallLimit
    }

    /// The scenario of one seed.
    public func scenario(seed: UInt64) -> Scenario {
        var scenario = scenario
        scenario.seed = seed
        return scenario
    }

    /// Runs the campaign, blocking the calling thread until every worker has ended. With
    /// `progress`, the calling thread calls it every `progressInterval` nanoseconds meanwhile.
    public func run(progressInterval: UInt64 = 500_000_000, progress: ((StressProgress) -> Void)? = nil) -> StressSummary {
        precondition(jobs >= 1, "a campaign needs a thread")
        let clock = ContinuousClock()
        let started = clock.now
        let deadline = wallLimit.map { started.advanced(by: .nanoseconds(Int64(clamping: $0))) }
        let shared = CampaignState()
        let campaign = self
        let workers = WorkerThreads(count: jobs) { _ in
            while !shared.stop.load(ordering: .relaxed) {
                if let deadline, clock.now >= deadline { break }
                guard let seed = campaign.seeds.seed(shared.next.wrappingAdd(1, ordering: .relaxed).oldValue) else { break }
                let result = ScenarioRun(scenario: campaign.scenario(seed: seed), platform: .sim).run()
                let failure = result.failure
                if failure != nil { shared.stop.store(true, ordering: .relaxed) }
                shared.figures.withLock { figures in
                    figures.seedsRun += 1
                    figures.eventsChecked += result.eventsChecked
                    figures.exits += result.exits.total
                    for (fault, count) in result.faults { figures.faultsInjected[fault, default: 0] += count }
                    if let failure { figures.failures.append(SeedFailure(seed: seed, failure: failure, result: result)) }
                }
            }
            shared.finished.add(1, ordering: .relaxed)
        }
        if let progress {
            var lastReport = clock.now
            while shared.finished.load(ordering: .relaxed) < jobs {
                WorkerThreads.pause(nanoseconds: min(progressInterval, 20_000_000))
                guard lastReport.duration(to: clock.now) >= .nanoseconds(Int64(clamping: progressInterval)) else { continue }
                lastReport = clock.now
                let (run, failures) = shared.figures.withLock { ($0.seedsRun, $0.failures.count) }
                progress(StressProgress(seedsRun: run, failures: failures, elapsed: Self.seconds(started.duration(to: clock.now))))
            }
        }
        workers.join()
        var summary = shared.figures.withLock { $0 }
        summary.plan = seeds
        summary.jobs = jobs
        summary.failures.sort { $0.seed < $1.seed }
        summary.wallSeconds = Self.seconds(started.duration(to: clock.now))
        return summary
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }
}

/// What the workers share.
private final class CampaignState: Sendable {
    /// The position in the seed plan of the next seed to hand out.
    let next = Atomic<UInt64>(0)
    let stop = Atomic<Bool>(false)
    /// Workers that have ended.
    let finished = Atomic<Int>(0)
    let figures = PThreadMutex(StressSummary())
}

/// How far a campaign has come, for a progress line.
public struct StressProgress: Sendable {
    /// Seeds run to their end, and how many failed.
    public var seedsRun: UInt64
    public var failures: Int
    /// Wall-clock seconds since the campaign started.
    public var elapsed: Double

    /// Seeds per wall-clock second so far.
    public var seedsPerSecond: Double { elapsed > 0 ? Double(seedsRun) / elapsed : 0 }
}

/// A seed whose run was not clean: why, and the run (its schedule decisions and event trail).
public struct SeedFailure: Sendable {
    /// The seed, why its run is not clean, and the run.
    public let seed: UInt64
    public let failure: RunFailure
    public let result: RunResult
}

/// What a campaign came to. Its counts add up over shards: a merge of shards' summaries is their
/// sums, the union of their failures, and the lowest failing seed.
public struct StressSummary: Sendable {
    /// The seeds it was asked to run, and on how many threads.
    public var plan = SeedPlan(start: 0, count: 0)
    public var jobs = 0
    /// Seeds run to their end.
    public var seedsRun: UInt64 = 0
    /// Events the SPE checkers saw, and exits taken, over every seed.
    public var eventsChecked: UInt64 = 0
    public var exits: UInt64 = 0
    /// Faults injected over every seed, by kind.
    public var faultsInjected: [FaultKind: UInt64] = [:]
    /// The seeds that failed, lowest first (at most the in-flight ones besides the first).
    public var failures: [SeedFailure] = []
    public var wallSeconds: Double = 0

    /// An empty summary, which the workers add to.
    public init() {}

    /// The lowest failing seed, the one to replay.
    public var firstFailure: SeedFailure? { failures.first }

    /// Whether every seed of the plan ran (false: stopped at a failure or the wall-clock limit,
    /// or the plan has no end).
    public var ranEverySeed: Bool { plan.seedsInShard == seedsRun }

    /// Seeds per wall-clock second.
    public var seedsPerSecond: Double { wallSeconds > 0 ? Double(seedsRun) / wallSeconds : 0 }
}
