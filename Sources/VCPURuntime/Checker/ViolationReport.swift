import SPEDevice

/// The report of the first broken rule of a run: what the tools print when a violation stops it.
public struct ViolationReport: Sendable {
    /// `rule on cpuN vmX.vcpuY at event E: detail`.
    public let violation: String
    /// The last events the CPU's checker saw, oldest first.
    public let recentEvents: [String]
    public let seed: UInt64

    public init(violation: String, recentEvents: [SPEEvent], seed: UInt64) {
        self.violation = violation
        self.recentEvents = recentEvents.map { String(describing: $0) }
        self.seed = seed
    }

    /// The report's lines, ending with how to replay the run (`replay` says the command).
    public func lines(replay: String) -> [String] {
        ["violation: \(violation)", "last events on that CPU (oldest first):"] + recentEvents.map { "  " + $0 }
            + ["replay: \(replay) (seed \(seed))"]
    }
}
