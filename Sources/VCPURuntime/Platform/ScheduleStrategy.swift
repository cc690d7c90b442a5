import SPEDevice

/// How the simulated platform picks the next lane to run among the runnable ones. Part of what a
/// seed means: the same strategy, parameters and seed give the same run.
public enum ScheduleStrategy: Hashable, Sendable, CustomStringConvertible {
    /// Uniform over the runnable lanes.
    case random

    /// The strategy named `name`, or nil.
    public init?(name: String) {
        switch name {
        case "random": self = .random
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .random: "random"
        }
    }

    /// Picks one of `runnable` (sorted lane numbers, not empty).
    func pick(_ runnable: [Int], random: inout SplitMix64) -> Int {
        switch self {
        case .random:
            runnable.count == 1 ? runnable[0] : runnable[Int(random.next() % UInt64(runnable.count))]
        }
    }
}
