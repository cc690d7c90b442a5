import HostIRQ
import SPEDevice

/// What a run came to, on either platform: the same figures from the same model. Everything but
/// ``wallSeconds`` is platform time (virtual on the simulated platform, so a function of the
/// scenario and seed there).
public struct RunResult: Sendable {
    public var scenario: Scenario
    public var platform: PlatformKind
    public var outcome: PlatformOutcome
    /// Live platform: more CPUs than the machine's online cores.
    public var oversubscribed = false
    /// Live platform: which of cyclictest's measures were in effect (``LiveMeasures``).
    public var measures = MeasureOutcomes()
    /// Platform time at the end, in nanoseconds.
    public var endTime: UInt64 = 0
    /// Wall-clock seconds the run took (the only figure not from the platform's clock).
    public var wallSeconds: Double = 0

    /// Exits over all CPUs, by reason.
    public var exits = ExitCounts()
    /// The SPE units' counters, summed over the CPUs (records written, dropped by reason, management events).
    public var unit = SPEUnitCounters()
    /// KVM's per-VCPU SPE counters, summed over the VCPUs (pins, trapped accesses, …).
    public var kvm = VCPUSPECounters()
    /// The host perf sessions, summed over the CPUs.
    public var host = HostFigures()
    /// The guests' SPE drivers, summed over the VCPUs.
    public var drivers = DriverFigures()
    /// Physical interrupts the host took, by INTID (raw), summed over the CPUs.
    public var physicalInterrupts: [UInt32: UInt64] = [:]
    /// Virtual interrupts: injected, delivered (guest acknowledges), maintenance exits, kicks, wakes.
    public var virtualInterrupts = VirtualFigures()
    /// Interrupts the guests took, by INTID (raw).
    public var guestInterrupts: [UInt32: UInt64] = [:]
    /// Faults that took effect, by kind, for every fault the run injects (``Scenario/faults``).
    public var faults: [FaultKind: UInt64] = [:]

    /// Events the SPE rule checker saw, and the rules broken (SPE and runtime).
    public var eventsChecked: UInt64 = 0
    public var violations: [SPEViolation] = []
    public var runtimeViolations: [RuntimeViolation] = []
    /// The report of the first SPE rule broken.
    public var report: ViolationReport?

    /// Profiling blackout: time a guest's buffer stood stopped (in-memory `PMBSR_EL1.S` set) until
    /// its driver cleared it, summed over the VCPUs, and how many such stops.
    public var blackoutNanoseconds: UInt64 = 0
    public var blackouts: UInt64 = 0
    /// Latencies by kind, merged over the VCPUs (``LatencyKind``).
    public var latency = LatencyFigures()
    /// Moves the migrator asked for, and moves the scheduler's balancing made.
    public var migrations: UInt64 = 0
    public var balancingMoves: UInt64 = 0
    /// Each VCPU's figures, in VM then VCPU order.
    public var vcpus: [VCPUFigures] = []

    /// The run's trace, when it was traced (``ScenarioRun/traceLimit``).
    public var trace: RunTrace?

    /// Simulated platform: the lane picked at every scheduling decision, and jobs that escaped it.
    public var decisions: [UInt16] = []
    public var escapedJobs = 0

    public init(scenario: Scenario, platform: PlatformKind, outcome: PlatformOutcome) {
        self.scenario = scenario
        self.platform = platform
        self.outcome = outcome
    }

    /// Whether no rule broke.
    public var isClean: Bool { violations.isEmpty && runtimeViolations.isEmpty }

    /// Scheduling latency: a VCPU becoming runnable → it is in the guest (the `runqueue` kind).
    public var schedulingLatency: LatencyHistogram {
        get { latency.histogram(.runqueue) }
        set { latency.setHistogram(newValue, for: .runqueue) }
    }
}

/// The host's perf sessions' figures.
public struct HostFigures: Hashable, Sendable {
    public var recordsConsumed: UInt64 = 0
    public var interruptsHandled: UInt64 = 0
    /// Host `PMBIRQ`s taken with nothing to do.
    public var spuriousInterrupts: UInt64 = 0
    public init() {}
}

/// The guests' SPE drivers' figures.
public struct DriverFigures: Hashable, Sendable {
    /// SPE interrupts the drivers took.
    public var interrupts: UInt64 = 0
    /// Records the drivers consumed, and of those truncated.
    public var recordsConsumed: UInt64 = 0
    public var truncatedRecords: UInt64 = 0
    /// Faults the drivers reported.
    public var faults: UInt64 = 0
    /// Buffers the drivers enabled misprogrammed (the `guest-misprogram` fault).
    public var misprogrammed: UInt64 = 0
    public init() {}

    public mutating func add(_ other: DriverFigures) {
        interrupts += other.interrupts
        recordsConsumed += other.recordsConsumed
        truncatedRecords += other.truncatedRecords
        faults += other.faults
        misprogrammed += other.misprogrammed
    }
}

/// Virtual interrupt figures, summed over VCPUs.
public struct VirtualFigures: Hashable, Sendable {
    public var injected: UInt64 = 0
    public var delivered: UInt64 = 0
    public var maintenanceExits: UInt64 = 0
    public var kicksSent: UInt64 = 0
    public var wakes: UInt64 = 0
    public init() {}

    public mutating func add(_ statistics: VirtualInterruptStatistics) {
        injected += statistics.injected
        delivered += statistics.delivered
        maintenanceExits += statistics.maintenanceExits
        kicksSent += statistics.kicksSent
        wakes += statistics.wakes
    }
}

/// One VCPU's figures.
public struct VCPUFigures: Sendable {
    public var id: VCPUID
    public var workload: WorkloadKind
    /// Guest entries, and exits by reason.
    public var entries: UInt64 = 0
    public var exits = ExitCounts()
    /// Times it was put on a CPU after running, and moved to another CPU.
    public var switches: UInt64 = 0
    public var moves: UInt64 = 0
    /// Platform time spent in the guest.
    public var runtime: UInt64 = 0
    /// Latencies by kind (``LatencyKind``).
    public var latency = LatencyFigures()
    /// Profiling blackout: time its buffer stood stopped (in-memory `PMBSR_EL1.S` set) until its
    /// driver cleared it, and how many stops.
    public var blackoutNanoseconds: UInt64 = 0
    public var blackouts: UInt64 = 0
    public var drivers = DriverFigures()
    /// KVM's SPE counters of the VCPU.
    public var kvm = VCPUSPECounters()

    /// When it last became runnable, until it enters the guest.
    var runnableSince: UInt64?
    /// The latencies under way (``LatencyKind``): when it blocked in WFI, when its SPE unit raised
    /// a management event, and whether its driver has seen it.
    var pending = PendingLatencies()
    /// When its buffer stopped, until its driver clears `S`.
    var blackoutSince: UInt64?

    /// A VCPU's figures before it runs; `linearBuckets` says which latencies keep cyclictest's buckets.
    public init(id: VCPUID, workload: WorkloadKind, linearBuckets: LinearBucketRequest? = nil) {
        self.id = id
        self.workload = workload
        latency = LatencyFigures(linearBuckets: linearBuckets)
    }

    /// Runnable → in guest (the `runqueue` kind).
    public var schedulingLatency: LatencyHistogram { latency.histogram(.runqueue) }
}

extension VCPUFigures {
    /// The VCPU entered the guest at `time`: its first entry since it became runnable ends a
    /// scheduling-latency sample (and the other latencies that end at an entry).
    mutating func entered(at time: UInt64) {
        entries += 1
        if let since = runnableSince {
            latency.record(.runqueue, time - since, endingAt: time)
            runnableSince = nil
        }
        latenciesEnded(atEntry: time)
    }

    /// Its in-memory `PMBSR_EL1.S` after an exit: a stop starts a blackout, a clear ends it.
    mutating func bufferStopped(_ stopped: Bool, at time: UInt64) {
        switch (stopped, blackoutSince) {
        case (true, nil):
            blackoutSince = time
        case (false, let since?):
            blackoutNanoseconds += time - since
            blackouts += 1
            blackoutSince = nil
        default:
            break
        }
    }
}
