import HostIRQ
import SPEDevice
import Synchronization

/// One physical CPU: its SPE device, its HostIRQ interface and the context of the VCPU loaded on
/// it. An actor bound to the CPU's executor, so everything per-CPU is touched only from that CPU.
/// A VCPU's slice (``runSlice(_:vgic:control:sliceEnd:)``) runs as entry → guest → exit, again and
/// again, with nothing else of the CPU in between: entry and the guest's steps are one synchronous
/// job, the guest period is the platform's wait, and the exit is the first job after it.
public actor PhysicalCPU {
    public nonisolated let index: Int
    public nonisolated let unownedExecutor: UnownedSerialExecutor
    let platform: any Platform
    let interface: CPUInterface
    let distributor: Distributor
    /// The SPE device.
    ///
    /// Without the runtime's exclusivity check: each exit changes the device several times, and
    /// each change paid a `swift_beginAccess`/`swift_endAccess` pair. Safe: only this actor's
    /// synchronous code touches it, and none of the device's methods calls back into the actor (the
    /// device is a value with no callbacks; the host `PMBIRQ` handler that reaches it runs from
    /// ``takeInterrupts()``, never inside a change of the device).
    @exclusivity(unchecked) public internal(set) var device: CPUSPEDevice
    /// The context of the loaded VCPU (handed over at load, handed back at put).
    var context: VCPUSPEContext?
    var environment: KVMEnvironment?
    /// Exits taken on this CPU, by reason.
    public internal(set) var exits = ExitCounts()
    /// Virtual nanoseconds per guest operation.
    public let nanosecondsPerOperation: UInt64 = 1
    /// Host operations after every exit: KVM's exit handling, profiled by a host session.
    let hostOperationsPerExit: UInt64
    /// **Model decision:** the host work of an exit unless a scenario says otherwise: 200 operations.
    public static let defaultHostOperationsPerExit: UInt64 = 200
    /// The most host work an exit may be given (`--host-work`, exec's `config host-work`).
    public static let maximumHostOperationsPerExit: UInt64 = 1_000_000
    /// **Model decision:** virtual nanoseconds the CPU spends on one exit (world switch and
    /// handling): the host's exit-handling work plus a fixed cost.
    public var exitNanoseconds: UInt64 { hostOperationsPerExit * nanosecondsPerOperation + 300 }
    /// **Model decision:** of ``exitNanoseconds``, the part that stands for SPE's world switch (SPE.md
    /// §5's exit and entry steps) in a VM with SPE: 100 ns of the fixed 300 ns. The simulated
    /// platform's clock does not move inside the switch, so its `exit` latency is split by this
    /// share; the exit's cost does not depend on SPE (the cost model predates the split).
    public static let speWorldSwitchNanoseconds: UInt64 = 100
    /// When an interrupt last became deliverable here from nothing deliverable (the start of a kick).
    let deliverableSince = InterruptStamp()
    private var pmbirqLine = false
    /// The VCPU that owns the CPU now, and those waiting for it, first come first served.
    private var owner: VCPUID?
    private var runQueue: [(vcpu: VCPUID, continuation: CheckedContinuation<Void, Never>)] = []

    /// The run's runtime checker.
    let checker: RuntimeChecker
    /// The faults armed on this CPU (a fault-injecting run arms them; ``CPUFaults``).
    let faults: CPUFaults
    /// What the host sessions stopped on this CPU had counted.
    private var stoppedSessions = HostFigures()
    /// The virtual interface of the VCPU that ran here last.
    var lastInterface: VirtualInterruptController?
    /// What the CPU records for the run's trace (nil: the run is not traced). Each hook is one
    /// check of this per guest run, exit or interrupt taken, so an untraced run pays nothing more.
    let trace: TraceBuffer?

    public init(
        index: Int, platform: any Platform, distributor: Distributor, seed: UInt64, mutation: SPEMutation?,
        checker: RuntimeChecker = RuntimeChecker(), hostOperationsPerExit: UInt64 = defaultHostOperationsPerExit,
        faults: CPUFaults = CPUFaults(), traceLimit: Int? = nil
    ) throws(HostIRQError) {
        self.index = index
        trace = traceLimit.map { TraceBuffer(cpu: index, limit: $0) }
        self.faults = faults
        self.hostOperationsPerExit = hostOperationsPerExit
        self.checker = checker
        unownedExecutor = platform.serialExecutor(cpu: index)
        self.platform = platform
        self.distributor = distributor
        interface = try distributor.cpu(CPUID(index))
        device = CPUSPEDevice(cpu: index, seed: seed, mutation: mutation)
        try interface.configure(.spePMBIRQ, trigger: .level)
        try interface.setEnabled(.spePMBIRQ, true)
        interface.setWakeCallback { [platform, deliverableSince] cpu, _ in
            deliverableSince.set(platform.now())
            platform.interruptGuest(cpu: cpu.rawValue)
        }
        // The host's SPE driver: it runs inside `takeInterrupt()`, called only from this actor's own
        // jobs, so it is on this CPU's executor and may assume the actor's isolation.
        try interface.registerHandler(for: .spePMBIRQ) { [unowned self] _, _ in
            self.assumeIsolated { cpu in cpu.serviceHostSPE() }
        }
    }

    private func serviceHostSPE() -> HandlerResult {
        let outcome = device.serviceHostInterrupt()
        syncLine()
        return outcome == .spurious ? .nothingToDo : .handled
    }

    /// The loaded VCPU, if any.
    public var loadedVCPU: VCPUID? { context?.id }

    // MARK: Ownership

    /// Waits until the CPU is `vcpu`'s to run on (first come, first served).
    public func acquire(for vcpu: VCPUID) async {
        if owner == nil {
            owner = vcpu
            return
        }
        await withCheckedContinuation { runQueue.append((vcpu, $0)) }
    }

    /// `vcpu` gives the CPU up; the next waiting VCPU gets it.
    public func release(from vcpu: VCPUID) {
        precondition(owner == vcpu, "\(vcpu) releases cpu\(index), which \(owner.map(\.description) ?? "nobody") owns")
        guard !runQueue.isEmpty else {
            owner = nil
            return
        }
        let next = runQueue.removeFirst()
        owner = next.vcpu
        next.continuation.resume()
    }

    // MARK: Load and put

    /// `vcpu_load`: takes the VCPU's context.
    public func load(_ incoming: VCPUSPEContext, environment: KVMEnvironment) throws(SPEDeviceError) {
        // Refused before anything changes (the device checks again, as its own guard). A scheduler
        // that sends a VCPU outside its SPU broke a runtime rule; KVM refuses to run it there.
        do {
            try incoming.spe.checkRunnable(on: index, vcpu: incoming.id, vm: environment.vm)
        } catch {
            if case .cpuOutsideSPU(let cpu, let spu) = error {
                checker.report(.vcpuRunsWithinSPU, cpu: cpu, vcpu: incoming.id, time: platform.now(),
                    "placed on cpu\(cpu), outside its SPU \(spu)")
            }
            throw error
        }
        checker.noteLoad(incoming.id, on: index, time: platform.now())
        if let stale = context {
            // A broken runtime left another VCPU here (reported just above): drop it so the run goes on.
            device.put(stale)
            context = nil
        }
        try device.load(incoming, vm: environment.vm)
        context = incoming
        self.environment = environment
    }

    /// `vcpu_put`: gives the VCPU's context back.
    public func put() -> VCPUSPEContext {
        guard let outgoing = context else { preconditionFailure("cpu\(index) holds no VCPU") }
        checker.notePut(outgoing.id, from: index)
        device.put(outgoing)
        context = nil
        environment = nil
        return outgoing
    }

    /// A copy of the loaded VCPU's context, which stays loaded (only a broken runtime does this).
    func copyOfContext() -> VCPUSPEContext? { context }

    /// Runs `body` on the loaded VCPU's context outside the guest (the VMM or the guest changing its
    /// memory, an observer reading it).
    public func withLoadedContext<R: Sendable>(_ body: (inout VCPUSPEContext) -> R) -> R {
        guard context != nil else { preconditionFailure("cpu\(index) holds no VCPU") }
        return body(&context!)
    }

    /// Starts or stops the host's SPE session on this CPU.
    public func setHostSession(_ on: Bool) {
        if on {
            if device.host == nil { device.startHostSession(HostPerfSession(cpu: index)) }
        } else if let stopped = device.stopHostSession() {
            stoppedSessions.recordsConsumed += stopped.recordsConsumed
            stoppedSessions.interruptsHandled += stopped.interruptsHandled
        }
        syncLine()
        trace?.noteManagementEvents(total: device.unit.counters.managementEvents, at: platform.now())
        takeInterrupts()
    }

    /// Consumes the loaded VCPU's records in `[start, end)`, as its driver would.
    public func consumeRecords(from start: UInt64, to end: UInt64) -> Result<[DecodedRecord], SPEDeviceError> {
        guard context != nil else { preconditionFailure("cpu\(index) holds no VCPU") }
        return device.consumeGuestBuffer(&context!, from: start, to: end)
    }

    /// The `PMBIRQ` line in HostIRQ follows the unit's line. `afterExit`: the exit path's own
    /// update, whose lowering an armed `spurious-irq` fault makes HostIRQ see late: the line stays
    /// high until the host's handler, finding nothing, syncs it again.
    func syncLine(afterExit: Bool = false) {
        let level = device.unit.pmbirq
        guard level != pmbirqLine else { return }
        if afterExit && !level && faults.take(.spuriousIRQ) { return }
        pmbirqLine = level
        _ = try? distributor.setLevel(.spePMBIRQ, high: level, on: CPUID(index))
    }

    /// The host takes its deliverable interrupts: its own `PMBIRQ` (the handler above) and kicks.
    /// A level line stuck high is an interrupt storm: the host takes at most
    /// ``interruptsPerExit`` interrupts before it goes on, so the storm shows (and is counted by
    /// HostIRQ) exit after exit instead of stopping the model.
    func takeInterrupts() {
        for _ in 0..<Self.interruptsPerExit {
            guard interface.hasDeliverableInterrupt, case .taken(let intid, _, _) = try? interface.takeInterrupt() else { return }
            trace?.record(.physicalInterrupt(intid), at: platform.now())
        }
    }

    /// The most interrupts the host takes in one go.
    static let interruptsPerExit = 16
}

/// What one physical CPU counted in a run, gathered at its end.
public struct CPUFigures: Sendable {
    public var exits: ExitCounts
    public var unit: SPEUnitCounters
    public var host: HostFigures
    public var violations: [SPEViolation]
    public var eventsChecked: UInt64
    /// The last events its checker saw (for a violation's report).
    public var recentEvents: [SPEEvent]
    /// Physical interrupts the host acknowledged here, by INTID (raw).
    public var interrupts: [UInt32: UInt64]
}

extension PhysicalCPU {
    /// The CPU's figures so far.
    public func figures() -> CPUFigures {
        var host = HostFigures()
        host.recordsConsumed = stoppedSessions.recordsConsumed + (device.host?.recordsConsumed ?? 0)
        host.interruptsHandled = stoppedSessions.interruptsHandled + (device.host?.interruptsHandled ?? 0)
        host.spuriousInterrupts = device.spuriousInterrupts
        var interrupts: [UInt32: UInt64] = [:]
        for entry in interface.statistics().perINTID where entry.counts.acknowledged > 0 {
            interrupts[entry.intid.rawValue] = entry.counts.acknowledged
        }
        return CPUFigures(exits: exits, unit: device.unit.countersNow, host: host, violations: device.checker.violations,
            eventsChecked: device.checker.eventsChecked, recentEvents: device.recentEvents, interrupts: interrupts)
    }
}

/// A platform time set from any thread (a CPU's wake callback) and read by the CPU: one atomic.
final class InterruptStamp: Sendable {
    private let time = Atomic<UInt64>(.max)

    /// Stamps `time`.
    func set(_ time: UInt64) { self.time.store(time, ordering: .releasing) }

    /// The time stamped last (nil: never).
    var value: UInt64? {
        let time = time.load(ordering: .acquiring)
        return time == .max ? nil : time
    }
}
