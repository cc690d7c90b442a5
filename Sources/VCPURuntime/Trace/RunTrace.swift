import SPEDevice

/// What a traced run recorded (``ScenarioRun/traceLimit``), for a timeline: every guest run on each
/// physical CPU, the physical interrupts the host took, the virtual interrupts the guests took
/// (with when each was injected), the SPE units' management events and the host scheduler's run
/// queue depths, in platform time (virtual on the simulated platform, the real clock on the live
/// one). ``chromeTraceJSON(metadata:_:)`` writes it as Chrome trace-event JSON.
///
/// **Model decision:** a trace is bounded. Each physical CPU and the scheduler keep at most their
/// share of ``limit`` records (``limit`` / (CPUs + 1)), each from its own executor, with no lock
/// shared between CPUs. When a share fills, the trace is cut at the earliest time any share
/// refused a record (``cut``): it holds every record before that time and none after, so every
/// track covers the same span, and ``leftOut`` counts what it lost.
public struct RunTrace: Sendable {
    /// A run's trace holds at most this many records unless told otherwise (`--trace-limit`).
    public static let defaultLimit = 1_000_000

    /// The platform the run ran on, and its seed.
    public let platform: PlatformKind
    public let seed: UInt64
    /// The physical CPUs, and the VCPUs in VM then VCPU order.
    public let cpus: Int
    public let vcpus: [VCPUID]
    /// Every record kept, by time (records of one time in the order: run-queue depths, guest
    /// runs, the rest; then as recorded).
    public let records: [TraceRecord]
    /// The most records the trace could hold.
    public let limit: Int
    /// Where the trace was cut: it holds every record before this platform time and none from it
    /// on (nil: it holds every record of the run).
    public let cut: UInt64?
    /// Records the run made that the trace does not hold.
    public let leftOut: UInt64
    /// Platform time at the run's end.
    public let endTime: UInt64
    /// The rules the run broke (runtime violations carry their time and CPU; SPE violations only
    /// their CPU and event index).
    public let runtimeViolations: [RuntimeViolation]
    public let speViolations: [SPEViolation]

    /// Whether records were left out.
    public var isTruncated: Bool { cut != nil }

    /// The share of `limit` each CPU's log and the scheduler's log get.
    static func share(of limit: Int, cpus: Int) -> Int { max(1, limit / (cpus + 1)) }

    init(
        platform: PlatformKind, seed: UInt64, cpus: Int, vcpus: [VCPUID], logs: [TraceLog], limit: Int, endTime: UInt64,
        runtimeViolations: [RuntimeViolation], speViolations: [SPEViolation]
    ) {
        self.platform = platform
        self.seed = seed
        self.cpus = cpus
        self.vcpus = vcpus
        self.limit = limit
        self.endTime = endTime
        self.runtimeViolations = runtimeViolations
        self.speViolations = speViolations
        let cut = logs.compactMap(\.firstRefused).min()
        var kept: [TraceRecord] = []
        kept.reserveCapacity(logs.reduce(0) { $0 + $1.records.count })
        var leftOut: UInt64 = 0
        for log in logs {
            leftOut += log.refused
            for record in log.records {
                if let cut, record.time >= cut {
                    leftOut += 1
                } else {
                    kept.append(record)
                }
            }
        }
        self.cut = cut
        self.leftOut = leftOut
        // A stable order (the sort is not): by time, then kind, then as recorded.
        records = kept.indices.sorted { a, b in
            let x = kept[a], y = kept[b]
            if x.time != y.time { return x.time < y.time }
            if x.event.rank != y.event.rank { return x.event.rank < y.event.rank }
            return a < b
        }.map { kept[$0] }
    }

    /// Records by kind.
    public struct Counts: Hashable, Sendable {
        /// Guest runs: one per entry.
        public var guestRuns = 0
        /// Physical interrupts the host took, and virtual interrupts the guests took.
        public var physicalInterrupts = 0
        public var virtualInterrupts = 0
        /// Virtual interrupts whose injection time is known: each is a flow from its injection to the
        /// guest run that took it.
        public var flows = 0
        /// The SPE units' hardware management events.
        public var managementEvents = 0
        /// Changes of a run queue's depth.
        public var runQueueSamples = 0
        /// No record.
        public init() {}
    }

    /// How many records of each kind the trace holds.
    public var counts: Counts {
        var counts = Counts()
        for record in records {
            switch record.event {
            case .guestRun: counts.guestRuns += 1
            case .physicalInterrupt: counts.physicalInterrupts += 1
            case .virtualInterrupt(_, _, let raisedAt):
                counts.virtualInterrupts += 1
                if raisedAt != nil { counts.flows += 1 }
            case .managementEvent: counts.managementEvents += 1
            case .runQueue: counts.runQueueSamples += 1
            }
        }
        return counts
    }
}

extension TraceRecord.Event {
    /// The order of records of one time: the run queue's depth first (a VCPU is placed on its CPU
    /// before it enters), then a guest run (so what happened at its start lies inside it), then
    /// the rest.
    var rank: Int {
        switch self {
        case .runQueue: 0
        case .guestRun: 1
        default: 2
        }
    }
}
