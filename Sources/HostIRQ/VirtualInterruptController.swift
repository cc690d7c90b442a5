import Synchronization

/// One virtual interrupt's record: its state machine (the same as a physical interrupt's), its
/// hardware link, when its current instance was injected, and its counts.
struct VirtualEntry: Sendable {
    let intid: INTID
    var priority: Priority
    var state = InterruptState(trigger: .level)
    var hwLinked = false
    var injectedAt: UInt64?
    var stats: VirtualINTIDStatistics

    init(_ line: VirtualInterruptConfiguration.Line) {
        intid = line.intid
        priority = line.priority
        stats = VirtualINTIDStatistics(intid: line.intid)
    }

    mutating func markInjected(at now: UInt64) {
        injectedAt = now
        stats.injected += 1
    }
}

/// Everything a virtual interrupt controller guards with its lock.
struct VirtualState: Sendable {
    var entries: [VirtualEntry]  // sorted by INTID
    var listRegisters: [ListRegister] = []
    var router = VCPUInterruptRouter()
    var maintenanceRequested = false
    var underflowArmed = false
    var endedWithMaintenance: [INTID] = []
    var totals: VirtualInterruptStatistics
    var onWake: (@Sendable (VCPUIndex) -> Void)?

    var isGuestRunning: Bool {
        switch router.location {
        case .inGuest, .exiting: true
        case .notInGuest, .blockedInWFI: false
        }
    }

    // The entries are read in place by index here and below: an entry holds its statistics
    // (arrays), so a closure over whole entries copied and released each one, several times per
    // guest entry and exit.
    var hasPending: Bool { entries.indices.contains { entries[$0].state.isReadyToAcknowledge } }
}

/// How a level change reached the VCPU.
public enum InjectionDelivery: Sendable, Equatable {
    /// No interrupt became pending (the level fell, or was already so, or the interrupt is active).
    case noNewInterrupt
    /// Pending; the VCPU is not in the guest and sees it at its next entry.
    case pendingForNextEntry
    /// The VCPU runs on this CPU: the kick SGI was sent there.
    case kicked(CPUID)
    /// The VCPU was blocked in WFI and was woken.
    case woke
    /// The VCPU had already been kicked and is exiting: no second kick (harmless, counted).
    case kickFoundVCPUExiting(CPUID)
}

/// The result of ``VirtualInterruptController/setLevel(_:high:hwLinked:)``.
public struct InjectionOutcome: Sendable, Equatable {
    /// What the level change did to the interrupt's state.
    public var line: InterruptState.Action
    /// How it reached the VCPU.
    public var delivery: InjectionDelivery
}

/// The result of a guest end-of-interrupt.
public struct GuestEOIResult: Sendable, Equatable {
    /// The interrupt ended.
    public var intid: INTID
    /// Its level was still high: it is pending again, and reaches the guest after the next entry.
    public var rePended: Bool
    /// The guest must exit for maintenance now (a level interrupt without hardware link, or the
    /// list registers ran empty with interrupts left over).
    public var maintenanceExitRequested: Bool
}

/// What the hypervisor learns when the guest exits.
public struct GuestExitSummary: Sendable, Equatable {
    /// The exit carries a maintenance request (counted as a maintenance exit).
    public var maintenanceExit: Bool
    /// The interrupts whose end-of-interrupt requested maintenance in this period, in order:
    /// the hypervisor re-evaluates their levels.
    public var endedWithMaintenance: [INTID]
    /// The interrupts pending for the next entry, sorted by INTID.
    public var pending: [INTID]
}

/// The result of ``VirtualInterruptController/blockInWFI()``.
public enum WFIOutcome: Sendable, Equatable {
    /// The VCPU is blocked until an interrupt (or ``VirtualInterruptController/unblock()``).
    case blocked
    /// An interrupt is already pending: the VCPU does not block.
    case interruptPending
}

/// The virtual interrupt controller of one VCPU (KVM's vgic for its PPIs): the levels the
/// hypervisor sets, the list registers, the guest's acknowledge and end-of-interrupt, and
/// delivery (kick or wake) of a new interrupt.
///
/// The runtime reports where the VCPU is (``enterGuest(on:)``, ``exitGuest()``,
/// ``blockInWFI()``, ``unblock()``); the hypervisor sets levels from any thread
/// (``setLevel(_:high:hwLinked:)``); the guest model calls ``guestAcknowledge()`` and
/// ``guestEndOfInterrupt(_:)`` while in the guest. The kick SGI and the wake callback are sent
/// with no lock held.
public final class VirtualInterruptController: Sendable {
    /// The VCPU.
    public let vcpu: VCPUIndex
    /// Its virtual interrupts and list register count.
    public let configuration: VirtualInterruptConfiguration
    private let distributor: Distributor
    private let clock: any IRQClock
    private let lock: PThreadMutex<VirtualState>
    private let pendingFlag = Atomic<Bool>(false)

    /// A controller for `vcpu`; kicks go through `distributor`, latencies use `clock`.
    /// - Throws: what ``VirtualInterruptConfiguration/validate()`` throws.
    public init(
        vcpu: VCPUIndex, configuration: VirtualInterruptConfiguration = .init(), distributor: Distributor,
        clock: any IRQClock
    ) throws(HostIRQError) {
        try configuration.validate()
        self.vcpu = vcpu
        self.configuration = configuration
        self.distributor = distributor
        self.clock = clock
        let entries = configuration.lines.map(VirtualEntry.init).sorted { $0.intid < $1.intid }
        lock = PThreadMutex(VirtualState(entries: entries, totals: VirtualInterruptStatistics(vcpu: vcpu)))
    }

    /// Sets (or clears) the callback that wakes the VCPU blocked in WFI; called with no lock held.
    public func setWakeCallback(_ callback: (@Sendable (VCPUIndex) -> Void)?) {
        lock.withLock { $0.onWake = callback }
    }

    private func mutate<R, E: Error>(_ body: (inout VirtualState) throws(E) -> R) throws(E) -> R {
        try lock.withLock { (s) throws(E) -> R in
            let result = try body(&s)
            pendingFlag.store(s.hasPending, ordering: .releasing)
            return result
        }
    }

    /// Borrows the state it searches: taken by value, the state (its arrays) was copied out of the
    /// lock's storage for every lookup.
    private func entryIndex(_ intid: INTID, in s: borrowing VirtualState) throws(HostIRQError) -> Int {
        for i in s.entries.indices where s.entries[i].intid == intid { return i }
        throw .virtualInterruptNotConfigured(intid, vcpu: vcpu)
    }

    // MARK: The hypervisor's side

    /// Sets the level of a virtual interrupt (KVM's `kvm_vgic_inject_irq`). A rising level makes
    /// it pending and delivers it: a kick if the VCPU runs in the guest, a wake if it is blocked.
    /// Without `hwLinked`, each guest end-of-interrupt of it requests a maintenance exit.
    /// - Throws: ``HostIRQError/virtualInterruptNotConfigured(_:vcpu:)``.
    @discardableResult
    public func setLevel(_ intid: INTID, high: Bool, hwLinked: Bool = false) throws(HostIRQError) -> InjectionOutcome {
        let now = clock.now()
        let (outcome, wake) = try mutate { (s) throws(HostIRQError) -> (InjectionOutcome, (@Sendable (VCPUIndex) -> Void)?) in
            let i = try entryIndex(intid, in: s)
            s.entries[i].hwLinked = hwLinked
            let action = s.entries[i].state.handle(.setLine(high: high))
            switch action {
            case .becamePending:
                s.entries[i].markInjected(at: now)
                s.totals.injected += 1
            case .cancelled:
                s.entries[i].stats.cancelled += 1
                s.entries[i].injectedAt = nil
                return (InjectionOutcome(line: action, delivery: .noNewInterrupt), nil)
            default:
                return (InjectionOutcome(line: action, delivery: .noNewInterrupt), nil)
            }
            let delivery: InjectionDelivery
            var wake: (@Sendable (VCPUIndex) -> Void)?
            switch s.router.handle(.deliver) {
            case .kick(let cpu):
                s.totals.kicksSent += 1
                delivery = .kicked(cpu)
            case .kickFoundVCPUExiting(let cpu):
                s.totals.kicksFoundVCPUExiting += 1
                delivery = .kickFoundVCPUExiting(cpu)
            case .wake:
                s.totals.wakes += 1
                wake = s.onWake
                delivery = .woke
            default:
                delivery = .pendingForNextEntry
            }
            return (InjectionOutcome(line: action, delivery: delivery), wake)
        }
        if case .kicked(let cpu) = outcome.delivery { try distributor.sendSGI(.kick, to: cpu) }
        wake?(vcpu)
        return outcome
    }

    /// The level the hypervisor last set.
    public func level(of intid: INTID) throws(HostIRQError) -> Bool {
        try state(of: intid).lineHigh
    }

    /// The state of a virtual interrupt (pending/active as the guest will see it).
    public func state(of intid: INTID) throws(HostIRQError) -> InterruptState {
        try lock.withLock { (s) throws(HostIRQError) -> InterruptState in s.entries[try entryIndex(intid, in: s)].state }
    }

    /// Whether a virtual interrupt is pending and not active: one atomic load.
    public var hasPendingInterrupt: Bool { pendingFlag.load(ordering: .acquiring) }

    /// Where the VCPU is.
    public var location: VCPULocation { lock.withLock { $0.router.location } }

    // MARK: The runtime's side

    /// Guest entry on `cpu`: fills the list registers, active interrupts first, then pending ones
    /// by priority (then INTID); what does not fit stays pending for a later entry, never
    /// dropped, and arms an underflow maintenance request.
    /// - Returns: the list registers as the guest will see them.
    /// - Throws: ``HostIRQError/vcpuTransitionNotAllowed(_:event:from:)`` unless the VCPU is
    ///   outside the guest; ``HostIRQError/cpuOutOfRange(_:cpuCount:)``.
    @discardableResult
    public func enterGuest(on cpu: CPUID) throws(HostIRQError) -> [ListRegister] {
        _ = try distributor.cpu(cpu)
        return try mutate { (s) throws(HostIRQError) -> [ListRegister] in
            try route(.enterGuest(cpu), in: &s)
            var candidates = s.entries.indices.filter { s.entries[$0].state.isActive || s.entries[$0].state.isReadyToAcknowledge }
            // Sorting allocates even an empty array; most entries have nothing pending.
            if candidates.count > 1 {
                candidates.sort { i, j in
                    let (a, b) = (s.entries[i], s.entries[j])
                    if a.state.isActive != b.state.isActive { return a.state.isActive }
                    if a.priority != b.priority { return a.priority < b.priority }
                    return a.intid < b.intid
                }
            }
            let loaded = candidates.prefix(configuration.listRegisterCount)
            s.listRegisters = loaded.map { i in
                let entry = s.entries[i]
                return ListRegister(
                    intid: entry.intid, priority: entry.priority, state: entry.state.isActive ? .active : .pending,
                    hwLinked: entry.hwLinked, requestsEOIMaintenance: !entry.hwLinked)
            }
            let overflow = candidates.count - loaded.count
            s.totals.listRegisterOverflows += UInt64(overflow)
            s.underflowArmed = overflow > 0
            s.maintenanceRequested = false
            s.endedWithMaintenance = []
            return s.listRegisters
        }
    }

    /// Guest exit: reads the list registers back (their state already lives in the controller),
    /// empties them, and counts a maintenance exit if one was requested in this period.
    @discardableResult
    public func exitGuest() throws(HostIRQError) -> GuestExitSummary {
        try mutate { (s) throws(HostIRQError) -> GuestExitSummary in
            try route(.exitGuest, in: &s)
            s.listRegisters = []
            let maintenance = s.maintenanceRequested
            if maintenance { s.totals.maintenanceExits += 1 }
            let summary = GuestExitSummary(
                maintenanceExit: maintenance, endedWithMaintenance: s.endedWithMaintenance,
                pending: s.entries.indices.filter { s.entries[$0].state.isReadyToAcknowledge }.map { s.entries[$0].intid })
            s.maintenanceRequested = false
            s.underflowArmed = false
            s.endedWithMaintenance = []
            return summary
        }
    }

    /// The guest executes WFI: the VCPU blocks unless an interrupt is already pending (checked in
    /// the same critical section as injection, so no wake is lost).
    public func blockInWFI() throws(HostIRQError) -> WFIOutcome {
        try mutate { (s) throws(HostIRQError) -> WFIOutcome in
            if s.hasPending { return .interruptPending }
            try route(.blockInWFI, in: &s)
            return .blocked
        }
    }

    /// The runtime woke the blocked VCPU for a reason other than an interrupt.
    public func unblock() throws(HostIRQError) {
        try mutate { (s) throws(HostIRQError) in try route(.unblock, in: &s) }
    }

    private func route(_ event: VCPUInterruptRouter.Event, in s: inout VirtualState) throws(HostIRQError) {
        if case .notAllowed(let from) = s.router.handle(event) {
            throw .vcpuTransitionNotAllowed(vcpu, event: event.description, from: from)
        }
    }

    /// The list registers of the current guest period (empty outside the guest).
    public var listRegisters: [ListRegister] { lock.withLock { $0.listRegisters } }

    // MARK: The guest's side

    /// `ICV_IAR1_EL1`: the most urgent pending list register (more urgent than any active one)
    /// becomes active and its INTID is returned; ``INTID/spurious`` if there is none. The first
    /// acknowledge of an injected interrupt records its injection→delivery latency.
    /// - Throws: ``HostIRQError/vcpuNotInGuest(_:)``.
    public func guestAcknowledge() throws(HostIRQError) -> INTID {
        try guestAcknowledgeReportingInjection().intid
    }

    /// ``guestAcknowledge()``, also telling when the acknowledged interrupt was injected (nil for
    /// ``INTID/spurious``, and for an instance whose injection time was not kept): a trace draws
    /// the interrupt from its injection to the guest that took it.
    /// - Throws: ``HostIRQError/vcpuNotInGuest(_:)``.
    public func guestAcknowledgeReportingInjection() throws(HostIRQError) -> (intid: INTID, injectedAt: UInt64?) {
        let now = clock.now()
        return try mutate { (s) throws(HostIRQError) -> (intid: INTID, injectedAt: UInt64?) in
            guard s.isGuestRunning else { throw .vcpuNotInGuest(vcpu) }
            let running = s.listRegisters.filter { $0.state == .active }.map { Int($0.priority.rawValue) }.min() ?? 0x100
            var best: Int?
            for (n, lr) in s.listRegisters.enumerated()
            where lr.state == .pending && Int(lr.priority.rawValue) < running {
                if let b = best {
                    let current = s.listRegisters[b]
                    guard lr.priority < current.priority || (lr.priority == current.priority && lr.intid < current.intid)
                    else { continue }
                }
                best = n
            }
            guard let n = best else { return (INTID.spurious, nil) }
            s.listRegisters[n].state = .active
            let i = try entryIndex(s.listRegisters[n].intid, in: s)
            if s.entries[i].state.handle(.acknowledge) != .acknowledged {
                // The level dropped while the guest ran: the list register's copy still says
                // pending, and the guest takes it as hardware would.
                s.entries[i].state.isActive = true
            }
            s.entries[i].stats.delivered += 1
            s.totals.delivered += 1
            let injectedAt = s.entries[i].injectedAt
            if let t = injectedAt {
                let latency = now >= t ? now - t : 0
                s.entries[i].stats.latency.record(latency)
                s.totals.latency.record(latency)
                s.entries[i].injectedAt = nil
            }
            return (s.listRegisters[n].intid, injectedAt)
        }
    }

    /// `ICV_EOIR1_EL1`: ends an active virtual interrupt. A level still high is pending again
    /// (reaching the guest after its next entry). Without a hardware link, a maintenance exit
    /// is requested so the hypervisor re-evaluates the level.
    /// - Throws: ``HostIRQError/vcpuNotInGuest(_:)``,
    ///   ``HostIRQError/virtualInterruptNotActive(_:vcpu:)``.
    public func guestEndOfInterrupt(_ intid: INTID) throws(HostIRQError) -> GuestEOIResult {
        let now = clock.now()
        return try mutate { (s) throws(HostIRQError) -> GuestEOIResult in
            guard s.isGuestRunning else { throw .vcpuNotInGuest(vcpu) }
            guard let n = s.listRegisters.firstIndex(where: { $0.intid == intid && $0.state == .active }) else {
                throw .virtualInterruptNotActive(intid, vcpu: vcpu)
            }
            s.listRegisters[n].state = .invalid
            let i = try entryIndex(intid, in: s)
            let rePended = s.entries[i].state.handle(.endOfInterrupt) == .rePended
            if rePended {
                s.entries[i].markInjected(at: now)
                s.entries[i].stats.rePended += 1
                s.totals.injected += 1
            }
            var maintenance = false
            if s.listRegisters[n].requestsEOIMaintenance {
                maintenance = true
                s.entries[i].stats.maintenanceRequests += 1
                s.endedWithMaintenance.append(intid)
            }
            if s.underflowArmed && s.listRegisters.allSatisfy({ $0.state == .invalid }) {
                maintenance = true
                s.underflowArmed = false
            }
            if maintenance { s.maintenanceRequested = true }
            return GuestEOIResult(intid: intid, rePended: rePended, maintenanceExitRequested: maintenance)
        }
    }

    // MARK: Statistics

    /// A snapshot of this VCPU's statistics, interrupts sorted by INTID.
    public func statistics() -> VirtualInterruptStatistics {
        lock.withLock { s in
            var snapshot = s.totals
            snapshot.perINTID = s.entries.map(\.stats)
            return snapshot
        }
    }
}
