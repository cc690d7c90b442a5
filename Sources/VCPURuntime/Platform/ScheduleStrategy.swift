import SPEDevice

/// How the simulated platform picks the next lane to run among the runnable ones. Part of what a
/// seed means: the same strategy, parameters and seed give the same run.
public enum ScheduleStrategy: Hashable, Sendable, CustomStringConvertible {
    /// Uniform over the runnable lanes.
    case random
    /// Probabilistic concurrency testing (PCT, Burckhardt et al., ASPLOS 2010; the strategy of
    /// Coyote and shuttle) over lanes: each lane gets a distinct random priority, `depth - 1`
    /// priority change points fall at seeded random steps of the run's estimated length, and the
    /// runnable lane with the highest priority runs. At a change point the lane that would run
    /// drops below every lane not yet dropped. A bug of depth `d` (one that needs `d` orderings
    /// to happen in a given order) is found with probability at least `1 / (lanes × steps^(d-1))`.
    case pct(depth: Int)

    /// The depth `spe-vm` uses when `--strategy pct` names none.
    public static let defaultDepth = 3

    /// The names of the strategies, as `--strategy` takes them.
    public static let names = ["random", "pct"]

    /// The strategy named `name` (`pct` with ``defaultDepth``), or nil.
    public init?(name: String) {
        switch name {
        case "random": self = .random
        case "pct": self = .pct(depth: Self.defaultDepth)
        default: return nil
        }
    }

    /// `random` or `pct`.
    public var name: String {
        switch self {
        case .random: "random"
        case .pct: "pct"
        }
    }

    /// The PCT depth; nil for `random`.
    public var depth: Int? {
        switch self {
        case .random: nil
        case .pct(let depth): depth
        }
    }

    public var description: String {
        switch self {
        case .random: "random"
        case .pct(let depth): "pct (depth \(depth))"
        }
    }
}

/// A strategy's state over one run: what it draws at the start and what it has done so far. The
/// simulator keeps one and asks it at every decision.
struct SchedulePicker {
    private let strategy: ScheduleStrategy
    /// `pct`: each lane's priority (higher runs first), the steps at which the next lane to run is
    /// dropped (ascending), and how many of them have passed.
    private var priorities: [Int] = []
    private var changePoints: [UInt64] = []
    private var changesDone = 0
    /// Decisions taken so far.
    private var step: UInt64 = 0

    /// The picker of `strategy` over `lanes` lanes for a run of about `expectedSteps` decisions;
    /// `pct` draws its priorities and change points from `seed` (not from the generator `random`
    /// picks from, so the two strategies' seeds mean different runs).
    init(_ strategy: ScheduleStrategy, lanes: Int, seed: UInt64, expectedSteps: UInt64) {
        self.strategy = strategy
        guard case .pct(let depth) = strategy else { return }
        precondition(depth >= 1, "a PCT depth is at least 1")
        var generator = SplitMix64(seed: seed ^ 0x5043_545F_5052_494F)
        // Initial priorities: a seeded permutation of depth ..< depth + lanes, all above every
        // priority a change point gives (depth - 1 down to 1).
        priorities = Array(depth..<(depth + lanes))
        for index in stride(from: lanes - 1, to: 0, by: -1) {
            priorities.swapAt(index, Int(generator.next() % UInt64(index + 1)))
        }
        let steps = max(expectedSteps, 1)
        changePoints = (1..<depth).map { _ in 1 + generator.next() % steps }.sorted()
    }

    /// Picks one of `runnable` (sorted lane numbers, not empty); `random` draws from `random`.
    mutating func pick(_ runnable: [Int], random: inout SplitMix64) -> Int {
        step += 1
        switch strategy {
        case .random:
            return runnable.count == 1 ? runnable[0] : runnable[Int(random.next() % UInt64(runnable.count))]
        case .pct(let depth):
            var lane = highest(runnable)
            // Every change point at this step drops the lane about to run, each below the last.
            while changesDone < changePoints.count && changePoints[changesDone] <= step {
                changesDone += 1
                priorities[lane] = depth - changesDone
                lane = highest(runnable)
            }
            return lane
        }
    }

    private func highest(_ runnable: [Int]) -> Int {
        var best = runnable[0]
        for lane in runnable.dropFirst() where priorities[lane] > priorities[best] { best = lane }
        return best
    }
}
