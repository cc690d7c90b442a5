import HostIRQ
import SPEDevice

/// One thing a traced run recorded (``RunTrace``), at platform time `time` on physical CPU `cpu`.
public struct TraceRecord: Hashable, Sendable {
    /// What happened.
    public enum Event: Hashable, Sendable {
        /// A guest run: the VCPU entered the guest at the record's time and exited at `end`, for `exit`.
        case guestRun(VCPUID, end: UInt64, exit: DecodedExit)
        /// The host took a physical interrupt (acknowledged it on the CPU's interface).
        case physicalInterrupt(INTID)
        /// The VCPU's guest took (acknowledged) a virtual interrupt, injected at `raisedAt` (nil:
        /// its injection time was not kept, as for a level that dropped while the guest ran).
        case virtualInterrupt(VCPUID, INTID, raisedAt: UInt64?)
        /// The CPU's SPE unit raised a hardware management event (`PMBSR_EL1.S` set).
        case managementEvent
        /// The host scheduler's load of the CPU changed: `depth` VCPUs hold it or wait for it.
        case runQueue(depth: Int)
    }

    /// Platform time in nanoseconds (a guest run's entry).
    public var time: UInt64
    /// The physical CPU it happened on (for a run-queue depth: whose queue).
    public var cpu: Int
    public var event: Event

    /// A record of `event` at `time` on `cpu`.
    public init(time: UInt64, cpu: Int, event: Event) {
        self.time = time
        self.cpu = cpu
        self.event = event
    }
}

/// A bounded log of trace records: it keeps the first `limit` it is given and counts the rest,
/// remembering the earliest time among those it refused, so a trace assembled from several logs
/// can be cut where the first of them stopped being complete (``RunTrace``).
struct TraceLog: Sendable {
    let limit: Int
    private(set) var records: [TraceRecord] = []
    /// Records refused once the log was full.
    private(set) var refused: UInt64 = 0
    /// The earliest time of a refused record.
    private(set) var firstRefused: UInt64?
    /// The SPE unit's management-event count already recorded (``noteManagementEvents(total:cpu:at:)``).
    private var managementEvents: UInt64 = 0

    init(limit: Int) { self.limit = limit }

    mutating func append(_ record: TraceRecord) {
        guard records.count < limit else {
            refused += 1
            firstRefused = min(firstRefused ?? record.time, record.time)
            return
        }
        records.append(record)
    }

    /// The CPU's SPE unit has counted `total` management events: the ones not yet recorded
    /// happened at `time`.
    mutating func noteManagementEvents(total: UInt64, cpu: Int, at time: UInt64) {
        while managementEvents < total {
            managementEvents += 1
            append(TraceRecord(time: time, cpu: cpu, event: .managementEvent))
        }
    }
}

/// A physical CPU's trace log. Only the CPU's own jobs record into it, so its lock is never
/// contended while the run goes on; the run driver reads it once the platform has stopped.
final class TraceBuffer: Sendable {
    let cpu: Int
    private let log: PThreadMutex<TraceLog>

    init(cpu: Int, limit: Int) {
        self.cpu = cpu
        log = PThreadMutex(TraceLog(limit: limit))
    }

    func record(_ event: TraceRecord.Event, at time: UInt64) {
        log.withLock { $0.append(TraceRecord(time: time, cpu: cpu, event: event)) }
    }

    /// A guest run from `entry` to `exit` that ended for `syndrome`. The SPE unit had counted
    /// `eventsAtEntry` management events once the entry was done and `eventsAtExit` after the exit's
    /// drain: the ones not yet recorded happened at those times (the entry's pause of a host
    /// session, the exit's drain), the ones of the guest's own sampling having been recorded where
    /// they happened.
    func guestRun(
        _ vcpu: VCPUID, from entry: UInt64, to exit: UInt64, syndrome: ExitSyndrome, eventsAtEntry: UInt64, eventsAtExit: UInt64
    ) {
        log.withLock { log in
            log.noteManagementEvents(total: eventsAtEntry, cpu: cpu, at: entry)
            log.noteManagementEvents(total: eventsAtExit, cpu: cpu, at: exit)
            log.append(TraceRecord(time: entry, cpu: cpu, event: .guestRun(vcpu, end: exit, exit: DecodedExit.decode(syndrome))))
        }
    }

    /// See ``TraceLog/noteManagementEvents(total:cpu:at:)``.
    func noteManagementEvents(total: UInt64, at time: UInt64) {
        log.withLock { $0.noteManagementEvents(total: total, cpu: cpu, at: time) }
    }

    /// What was recorded.
    var contents: TraceLog { log.withLock { $0 } }
}
