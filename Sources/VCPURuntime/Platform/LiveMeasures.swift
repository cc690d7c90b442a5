#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The measures cyclictest takes by default for a fair latency figure, as the live platform can
/// take them for its CPU threads: a real-time priority (`SCHED_FIFO`), locked memory
/// (`mlockall`), and the CPU-latency QoS held at 0 µs (`/dev/cpu_dma_latency`), which keeps idle
/// cores out of deep C-states. Each is taken where the process may; one that is refused is
/// reported (``MeasureOutcomes``), never a reason to fail the run.
public struct LiveMeasures: Hashable, Sendable {
    /// The `SCHED_FIFO` priority of every CPU thread (1...99; nil: the default policy).
    public var realtimePriority: Int32?
    /// `mlockall(MCL_CURRENT | MCL_FUTURE)` for the run.
    public var lockMemory: Bool
    /// `/dev/cpu_dma_latency` held at 0 for the run.
    public var holdLatencyQoS: Bool

    /// The measures to take (none by default).
    public init(realtimePriority: Int32? = nil, lockMemory: Bool = false, holdLatencyQoS: Bool = false) {
        self.realtimePriority = realtimePriority
        self.lockMemory = lockMemory
        self.holdLatencyQoS = holdLatencyQoS
    }

    /// The real-time priorities `SCHED_FIFO` takes.
    public static let priorities: ClosedRange<Int32> = 1...99

    /// Whether no measure is asked for.
    public var isEmpty: Bool { realtimePriority == nil && !lockMemory && !holdLatencyQoS }
}

/// Whether a measure was in effect for a run, and why not.
public enum MeasureState: Hashable, Sendable, CustomStringConvertible {
    /// Not asked for.
    case notAsked
    /// Asked for and in effect for the whole run.
    case inEffect
    /// Asked for and not in effect: why (the call that failed and its error, or the platform).
    case notTaken(String)

    /// `in effect`, `not asked`, or `not in effect: ` and why.
    public var description: String {
        switch self {
        case .notAsked: "not asked"
        case .inEffect: "in effect"
        case .notTaken(let why): "not in effect: \(why)"
        }
    }
}

/// What became of each of a run's ``LiveMeasures``.
public struct MeasureOutcomes: Hashable, Sendable {
    /// `SCHED_FIFO` at ``priority`` on every CPU thread.
    public var realtimePriority: MeasureState = .notAsked
    /// The priority asked for (nil when none was).
    public var priority: Int32?
    /// `mlockall(MCL_CURRENT | MCL_FUTURE)` for the run.
    public var lockMemory: MeasureState = .notAsked
    /// `/dev/cpu_dma_latency` held at 0 for the run.
    public var latencyQoS: MeasureState = .notAsked

    /// Nothing asked for.
    public init() {}

    /// Every measure asked for in `measures`, not taken for `reason` (a platform without threads).
    public init(notTaking measures: LiveMeasures, because reason: String) {
        priority = measures.realtimePriority
        if measures.realtimePriority != nil { realtimePriority = .notTaken(reason) }
        if measures.lockMemory { lockMemory = .notTaken(reason) }
        if measures.holdLatencyQoS { latencyQoS = .notTaken(reason) }
    }

    /// The priority the CPU threads ran at: the one asked for if it was in effect, else 0 (cyclictest's `P:`).
    public var effectivePriority: Int32 { realtimePriority == .inEffect ? priority ?? 0 : 0 }
}

/// The live platform's measures while it runs: the process-wide ones (memory locking, the QoS
/// file descriptor) taken before the CPU threads start and given back after they are joined, the
/// priority set on each CPU thread once it exists.
struct MeasureSession {
    let measures: LiveMeasures
    private(set) var outcomes = MeasureOutcomes()
    private var qosDescriptor: Int32 = -1
    private var lockedMemory = false

    /// The path of the CPU-latency QoS interface (Documentation/power/pm_qos_interface.rst).
    static let latencyQoSPath = "/dev/cpu_dma_latency"

    init(_ measures: LiveMeasures) {
        self.measures = measures
        outcomes.priority = measures.realtimePriority
    }

    /// Locks memory and holds the QoS at 0, as asked.
    mutating func begin() {
        if measures.lockMemory {
            if mlockall(Int32(MCL_CURRENT) | Int32(MCL_FUTURE)) == 0 {
                lockedMemory = true
                outcomes.lockMemory = .inEffect
            } else {
                outcomes.lockMemory = .notTaken("mlockall: \(Self.lastError())")
            }
        }
        if measures.holdLatencyQoS {
            let descriptor = open(Self.latencyQoSPath, O_RDWR)
            if descriptor < 0 {
                outcomes.latencyQoS = .notTaken("open \(Self.latencyQoSPath): \(Self.lastError())")
            } else {
                var target: Int32 = 0
                if write(descriptor, &target, MemoryLayout<Int32>.size) == MemoryLayout<Int32>.size {
                    qosDescriptor = descriptor
                    outcomes.latencyQoS = .inEffect
                } else {
                    outcomes.latencyQoS = .notTaken("write 0 to \(Self.latencyQoSPath): \(Self.lastError())")
                    close(descriptor)
                }
            }
        }
    }

    /// Sets the real-time priority of the CPU threads, as asked; in effect only if every thread took it.
    mutating func prioritize(_ threads: [pthread_t]) {
        guard let priority = measures.realtimePriority else { return }
        var failure: String?
        for thread in threads {
            var parameters = sched_param()
            parameters.sched_priority = priority
            let rc = pthread_setschedparam(thread, Int32(SCHED_FIFO), &parameters)
            if rc != 0 && failure == nil {
                failure = "pthread_setschedparam(SCHED_FIFO, \(priority)): \(String(cString: strerror(rc)))"
                    + (rc == EPERM ? " (needs CAP_SYS_NICE or an RLIMIT_RTPRIO of at least \(priority))" : "")
            }
        }
        outcomes.realtimePriority = failure.map(MeasureState.notTaken) ?? .inEffect
    }

    /// Gives the process-wide measures back (the CPU threads are gone).
    mutating func end() {
        if qosDescriptor >= 0 {
            close(qosDescriptor)
            qosDescriptor = -1
        }
        if lockedMemory {
            munlockall()
            lockedMemory = false
        }
    }

    private static func lastError() -> String {
        let code = errno
        return String(cString: strerror(code)) + (code == EACCES || code == EPERM ? " (not permitted for this process)" : "")
    }
}
