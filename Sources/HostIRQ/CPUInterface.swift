import Synchronization

/// One interrupt's record on a CPU: its state machine, configuration, counts and handler.
struct InterruptEntry: Sendable {
    let intid: INTID
    var state: InterruptState
    var priority: Priority
    var counts = IRQCounts()
    var handler: InterruptHandler?

    init(intid: INTID, trigger: Trigger, priority: Priority) {
        self.intid = intid
        self.state = InterruptState(trigger: trigger)
        self.priority = priority
    }

    /// Counts a raise request's effect and turns a trigger refusal into an error.
    mutating func raise(_ event: InterruptState.Event) throws(HostIRQError) -> InterruptState.Action {
        let action = state.handle(event)
        switch action {
        case .becamePending, .pendingWhileActive: counts.raised += 1
        case .merged:
            counts.raised += 1
            counts.merged += 1
        case .cancelled: counts.cancelled += 1
        case .refused(.wrongTrigger(let actual)):
            throw .wrongTrigger(intid, expected: actual == .level ? .edge : .level)
        default: break
        }
        return action
    }
}

/// A wake callback to call once the lock is released.
struct PendingWake: Sendable {
    let callback: CPUWakeCallback
    let cpu: CPUID
    let reason: CPUWakeReason
    func fire() { callback(cpu, reason) }
}

/// Where an interrupt's entry lives in a CPU's state.
enum EntrySlot {
    case banked(Int)
    case shared(Int)
}

/// Everything a CPU interface guards with its lock.
struct CPUInterfaceState: Sendable {
    var banked: [InterruptEntry]
    var shared: [InterruptEntry] = []  // SPIs routed here, sorted by INTID
    var masked = false
    var priorityMask = Priority.lowest
    var inGuest = false
    var deliverable = false
    var onWake: CPUWakeCallback?
    var nothingPending: UInt64 = 0
    var wakeups: UInt64 = 0
    var guestExitsForced: UInt64 = 0

    init() {
        banked = (0..<32).map { n in
            let id = INTID(rawValue: UInt32(n))!
            return n < 16
                ? InterruptEntry(intid: id, trigger: .edge, priority: .defaultSGI)
                : InterruptEntry(intid: id, trigger: .level, priority: .defaultDevice)
        }
    }

    func slot(of intid: INTID) -> EntrySlot? {
        if intid.isPrivate { return .banked(Int(intid.rawValue)) }
        return shared.firstIndex { $0.intid == intid }.map { .shared($0) }
    }

    subscript(slot: EntrySlot) -> InterruptEntry {
        get {
            switch slot {
            case .banked(let i): banked[i]
            case .shared(let i): shared[i]
            }
        }
        set {
            switch slot {
            case .banked(let i): banked[i] = newValue
            case .shared(let i): shared[i] = newValue
            }
        }
    }

    /// The interrupt an acknowledge would take now: ready, through the mask, more urgent than
    /// the running priority; the most urgent, and among equals the lowest INTID.
    func bestCandidate() -> EntrySlot? {
        guard !masked else { return nil }
        var running = 0x100
        for e in banked where e.state.isActive { running = min(running, Int(e.priority.rawValue)) }
        for e in shared where e.state.isActive { running = min(running, Int(e.priority.rawValue)) }
        var best: (priority: UInt8, slot: EntrySlot)?
        func consider(_ e: InterruptEntry, _ slot: EntrySlot) {
            guard e.state.isReadyToAcknowledge, e.priority < priorityMask,
                Int(e.priority.rawValue) < running
            else { return }
            if best == nil || e.priority.rawValue < best!.priority { best = (e.priority.rawValue, slot) }
        }
        for (i, e) in banked.enumerated() { consider(e, .banked(i)) }
        for (i, e) in shared.enumerated() { consider(e, .shared(i)) }
        return best?.slot
    }
}

/// The interrupt interface of one physical CPU: its SGIs and PPIs (and the SPIs routed to it),
/// acknowledge and end-of-interrupt, masking, handlers, and the hook that wakes the CPU.
///
/// Raising and lowering lines is the ``Distributor``'s job and may come from any thread.
/// Acknowledge, end-of-interrupt and ``takeInterrupt()`` are the CPU's own operations: call them
/// from the thread or executor of that CPU only (one taker). State is guarded by a short
/// critical section that never waits for an event; handlers and the wake callback are always
/// called with no lock held.
public final class CPUInterface: Sendable {
    /// The CPU this interface belongs to.
    public let id: CPUID
    let lock = PThreadMutex(CPUInterfaceState())
    private let deliverableFlag = Atomic<Bool>(false)
    private let inGuestFlag = Atomic<Bool>(false)

    init(id: CPUID) { self.id = id }

    // MARK: Polling and waking

    /// Whether an interrupt is pending and deliverable (enabled, not masked, through the priority
    /// mask and running priority). One atomic load, no lock: cheap to poll while a guest runs.
    public var hasDeliverableInterrupt: Bool { deliverableFlag.load(ordering: .acquiring) }

    /// Whether a guest runs on this CPU (between ``enterGuest()`` and ``exitGuest()``).
    public var isInGuest: Bool { inGuestFlag.load(ordering: .acquiring) }

    /// While a guest runs, a deliverable physical interrupt forces its exit: poll this.
    public var guestMustExit: Bool { isInGuest && hasDeliverableInterrupt }

    /// Sets (or clears) the callback called, with no lock held, each time this CPU goes from
    /// nothing deliverable to something deliverable. The platform uses it to cut a guest period
    /// short or wake the CPU's idle thread. It may run on any thread.
    public func setWakeCallback(_ callback: CPUWakeCallback?) {
        lock.withLock { $0.onWake = callback }
    }

    /// Runs `body` under the lock, then publishes deliverability and returns the wake to fire.
    func locked<R, E: Error>(
        _ body: (inout CPUInterfaceState) throws(E) -> R
    ) throws(E) -> (R, PendingWake?) {
        try lock.withLock { (s) throws(E) -> (R, PendingWake?) in
            let before = s.deliverable
            let result = try body(&s)
            let after = s.bestCandidate() != nil
            s.deliverable = after
            deliverableFlag.store(after, ordering: .releasing)
            inGuestFlag.store(s.inGuest, ordering: .releasing)
            guard after, !before else { return (result, nil) }
            s.wakeups += 1
            if s.inGuest { s.guestExitsForced += 1 }
            let wake = s.onWake.map {
                PendingWake(callback: $0, cpu: id, reason: s.inGuest ? .guestMustExit : .interruptPending)
            }
            return (result, wake)
        }
    }

    /// `locked`, then fires the wake outside the lock.
    func update<R, E: Error>(_ body: (inout CPUInterfaceState) throws(E) -> R) throws(E) -> R {
        let (result, wake) = try locked(body)
        wake?.fire()
        return result
    }

    func entrySlot(_ intid: INTID, in s: CPUInterfaceState) throws(HostIRQError) -> EntrySlot {
        guard intid.kind != .special else { throw .intidReserved(intid.rawValue) }
        guard let slot = s.slot(of: intid) else { throw .spiNotConfigured(intid) }
        return slot
    }

    // MARK: Configuration

    /// Configures a banked interrupt (SGI or PPI) of this CPU. Changing the trigger needs the
    /// interrupt idle; SGIs are always edge.
    /// - Throws: ``HostIRQError/notPrivate(_:)``, ``HostIRQError/sgiMustBeEdge(_:)``,
    ///   ``HostIRQError/interruptBusy(_:)``.
    public func configure(_ intid: INTID, trigger: Trigger? = nil, priority: Priority? = nil) throws(HostIRQError) {
        guard intid.isPrivate else { throw .notPrivate(intid) }
        try update { (s) throws(HostIRQError) in
            try Self.configure(&s.banked[Int(intid.rawValue)], trigger: trigger, priority: priority)
        }
    }

    static func configure(_ e: inout InterruptEntry, trigger: Trigger?, priority: Priority?) throws(HostIRQError) {
        if let trigger, trigger != e.state.trigger {
            guard e.intid.kind != .sgi else { throw .sgiMustBeEdge(e.intid) }
            guard e.state.isIdle else { throw .interruptBusy(e.intid) }
            let enabled = e.state.isEnabled
            e.state = InterruptState(trigger: trigger, enabled: enabled)
        }
        if let priority { e.priority = priority }
    }

    /// Enables or disables delivery of an interrupt on this CPU (pending state is kept while
    /// disabled). Every SGI and PPI starts enabled; SGIs edge at ``Priority/defaultSGI``, PPIs
    /// level at ``Priority/defaultDevice``.
    public func setEnabled(_ intid: INTID, _ enabled: Bool) throws(HostIRQError) {
        try update { (s) throws(HostIRQError) in
            let slot = try entrySlot(intid, in: s)
            _ = s[slot].state.handle(.setEnabled(enabled))
        }
    }

    /// Registers the handler of a banked interrupt on this CPU; at most one per interrupt.
    /// - Throws: ``HostIRQError/handlerAlreadyRegistered(_:cpu:)``, ``HostIRQError/notPrivate(_:)``.
    public func registerHandler(for intid: INTID, _ handler: @escaping InterruptHandler) throws(HostIRQError) {
        guard intid.isPrivate else { throw .notPrivate(intid) }
        try update { (s) throws(HostIRQError) in
            try Self.install(handler, in: &s.banked[Int(intid.rawValue)], cpu: id)
        }
    }

    static func install(_ handler: @escaping InterruptHandler, in e: inout InterruptEntry, cpu: CPUID) throws(HostIRQError) {
        guard e.handler == nil else { throw .handlerAlreadyRegistered(e.intid, cpu: cpu) }
        e.handler = handler
    }

    /// Masks all interrupts on this CPU (like setting `PSTATE.I`): nothing is deliverable until
    /// ``unmask()``. The world switch runs masked.
    public func mask() { update { $0.masked = true } }

    /// Unmasks interrupts; a pending one becomes deliverable (and wakes the CPU).
    public func unmask() { update { $0.masked = false } }

    /// Sets the priority mask (`ICC_PMR_EL1`): only priorities strictly below it are delivered.
    public func setPriorityMask(_ mask: Priority) { update { $0.priorityMask = mask } }

    // MARK: Taking interrupts

    /// `ICC_IAR1_EL1`: the most urgent deliverable interrupt becomes active and is returned;
    /// ``INTID/spurious`` (1023) if nothing is deliverable.
    public func acknowledge() -> INTID {
        update { s in
            guard let slot = s.bestCandidate() else {
                s.nothingPending += 1
                return INTID.spurious
            }
            _ = s[slot].state.handle(.acknowledge)
            s[slot].counts.acknowledged += 1
            return s[slot].intid
        }
    }

    /// `ICC_EOIR1_EL1` (with deactivation): the interrupt is no longer active; a level still
    /// high, or an edge raised while active, is pending again.
    /// - Throws: ``HostIRQError/notActive(_:cpu:)`` if it is not active on this CPU.
    @discardableResult
    public func endOfInterrupt(_ intid: INTID) throws(HostIRQError) -> EOIResult {
        try update { (s) throws(HostIRQError) -> EOIResult in
            try Self.end(intid, in: &s, cpu: id, outcome: nil)
        }
    }

    static func end(
        _ intid: INTID, in s: inout CPUInterfaceState, cpu: CPUID, outcome: HandlerOutcome?
    ) throws(HostIRQError) -> EOIResult {
        guard intid.kind != .special, let slot = s.slot(of: intid), s[slot].state.isActive else {
            throw .notActive(intid, cpu: cpu)
        }
        switch outcome {
        case .handled?: s[slot].counts.handled += 1
        case .nothingToDo?, .noHandler?: s[slot].counts.spurious += 1
        case nil: break
        }
        if s[slot].state.handle(.endOfInterrupt) == .rePended {
            s[slot].counts.rePended += 1
            return .rePended
        }
        return .deactivated
    }

    /// Takes one interrupt: acknowledge, run its handler with no lock held, count it handled or
    /// spurious (no handler, or the handler found nothing to do), end it.
    /// - Throws: ``HostIRQError/notActive(_:cpu:)`` only if someone else ended the interrupt
    ///   while its handler ran (a broken one-taker rule).
    public func takeInterrupt() throws(HostIRQError) -> TakeOutcome {
        let (intid, handler) = update { s -> (INTID, InterruptHandler?) in
            guard let slot = s.bestCandidate() else {
                s.nothingPending += 1
                return (INTID.spurious, nil)
            }
            _ = s[slot].state.handle(.acknowledge)
            s[slot].counts.acknowledged += 1
            return (s[slot].intid, s[slot].handler)
        }
        guard intid != .spurious else { return .nothingPending }
        let outcome: HandlerOutcome =
            switch handler?(id, intid) {
            case .handled?: .handled
            case .nothingToDo?: .nothingToDo
            case nil: .noHandler
            }
        let eoi = try update { (s) throws(HostIRQError) -> EOIResult in
            try Self.end(intid, in: &s, cpu: id, outcome: outcome)
        }
        return .taken(intid, outcome, rePended: eoi == .rePended)
    }

    // MARK: Guest periods

    /// Marks the start of a guest period on this CPU. Refused while an interrupt is deliverable
    /// (take it first), as KVM checks for pending work before entering.
    public func enterGuest() -> GuestEntryResult {
        update { s in
            guard s.bestCandidate() == nil else { return GuestEntryResult.interruptPending }
            s.inGuest = true
            return .entered
        }
    }

    /// Marks the end of the guest period.
    public func exitGuest() { update { $0.inGuest = false } }

    // MARK: Inspection

    /// The state of one interrupt on this CPU.
    public func state(of intid: INTID) throws(HostIRQError) -> InterruptState {
        try lock.withLock { (s) throws(HostIRQError) -> InterruptState in s[try entrySlot(intid, in: s)].state }
    }

    /// A snapshot of this CPU's statistics, INTIDs in ascending order.
    public func statistics() -> CPUInterruptStatistics {
        lock.withLock { s in
            let entries = (s.banked + s.shared).filter { !$0.counts.isZero }.sorted { $0.intid < $1.intid }
            return CPUInterruptStatistics(
                cpu: id, nothingPending: s.nothingPending, wakeups: s.wakeups,
                guestExitsForced: s.guestExitsForced,
                perINTID: entries.map { INTIDStatistics(intid: $0.intid, counts: $0.counts) })
        }
    }
}
