/// The host interrupt distributor: raises and lowers lines, sends SGIs, routes SPIs, for a fixed
/// set of physical CPUs.
///
/// Every method is safe to call from any thread or actor, including while the target CPU runs a
/// guest: the target's state changes in a short critical section, its deliverable flag is
/// published atomically, and its wake callback (``CPUInterface/setWakeCallback(_:)``) is called
/// after every lock is released.
///
/// SGI 0 is the kick (``INTID/kick``). Unless told otherwise the distributor registers a kick
/// handler on every CPU that reports ``HandlerResult/handled``: the kick's work is the guest exit
/// it forced, not anything the handler does.
public final class Distributor: Sendable {
    /// The CPU interfaces, indexed by CPU.
    public let cpus: [CPUInterface]
    /// SPI routes, sorted by INTID: which CPU holds each configured SPI.
    private let spiRoutes = PThreadMutex<[(intid: INTID, cpu: CPUID)]>([])

    /// A distributor for `cpuCount` CPUs (CPU 0...cpuCount-1).
    /// - Parameter installKickHandlers: register a handler for ``INTID/kick`` on every CPU.
    /// - Throws: ``HostIRQError/noCPUs`` if `cpuCount < 1`.
    public init(cpuCount: Int, installKickHandlers: Bool = true) throws(HostIRQError) {
        guard cpuCount >= 1 else { throw .noCPUs }
        cpus = (0..<cpuCount).map { CPUInterface(id: CPUID($0)) }
        if installKickHandlers {
            for cpu in cpus { try cpu.registerHandler(for: .kick) { _, _ in .handled } }
        }
    }

    /// The number of CPUs.
    public var cpuCount: Int { cpus.count }

    /// The interface of one CPU.
    /// - Throws: ``HostIRQError/cpuOutOfRange(_:cpuCount:)``.
    public func cpu(_ id: CPUID) throws(HostIRQError) -> CPUInterface {
        guard cpus.indices.contains(id.rawValue) else { throw .cpuOutOfRange(id, cpuCount: cpus.count) }
        return cpus[id.rawValue]
    }

    /// Whether CPU `id` has a deliverable interrupt: one atomic load (false for a CPU that does
    /// not exist).
    public func hasDeliverableInterrupt(on id: CPUID) -> Bool {
        cpus.indices.contains(id.rawValue) && cpus[id.rawValue].hasDeliverableInterrupt
    }

    // MARK: Private interrupts

    /// Drives the line of a level-sensitive PPI of one CPU (the SPE `PMBIRQ` follows `PMBSR_EL1.S`).
    /// - Returns: what the line change did (``InterruptState/Action/becamePending``,
    ///   ``InterruptState/Action/cancelled``, ...).
    /// - Throws: ``HostIRQError/wrongInterruptKind(_:expected:)`` for a non-PPI,
    ///   ``HostIRQError/wrongTrigger(_:expected:)`` for an edge PPI, ``HostIRQError/cpuOutOfRange(_:cpuCount:)``.
    @discardableResult
    public func setLevel(_ intid: INTID, high: Bool, on id: CPUID) throws(HostIRQError) -> InterruptState.Action {
        guard intid.kind == .ppi else { throw .wrongInterruptKind(intid, expected: .ppi) }
        return try raise(intid, .setLine(high: high), on: cpu(id))
    }

    /// Signals one edge of an edge-triggered PPI of one CPU.
    @discardableResult
    public func pulse(_ intid: INTID, on id: CPUID) throws(HostIRQError) -> InterruptState.Action {
        guard intid.kind == .ppi else { throw .wrongInterruptKind(intid, expected: .ppi) }
        return try raise(intid, .pulse, on: cpu(id))
    }

    /// Sends an SGI to one CPU (`ICC_SGI1R_EL1` with one target).
    /// - Returns: ``InterruptState/Action/becamePending``, ``InterruptState/Action/pendingWhileActive``
    ///   or ``InterruptState/Action/merged``.
    @discardableResult
    public func sendSGI(_ intid: INTID, to id: CPUID) throws(HostIRQError) -> InterruptState.Action {
        guard intid.kind == .sgi else { throw .wrongInterruptKind(intid, expected: .sgi) }
        return try raise(intid, .pulse, on: cpu(id))
    }

    /// Sends an SGI to a set of CPUs, in the order given; every target is checked before any is
    /// signalled.
    @discardableResult
    public func sendSGI(_ intid: INTID, to ids: [CPUID]) throws(HostIRQError) -> [InterruptState.Action] {
        guard intid.kind == .sgi else { throw .wrongInterruptKind(intid, expected: .sgi) }
        var targets: [CPUInterface] = []
        for id in ids { targets.append(try cpu(id)) }
        var actions: [InterruptState.Action] = []
        for target in targets { actions.append(try raise(intid, .pulse, on: target)) }
        return actions
    }

    private func raise(
        _ intid: INTID, _ event: InterruptState.Event, on target: CPUInterface
    ) throws(HostIRQError) -> InterruptState.Action {
        try target.update { (s) throws(HostIRQError) -> InterruptState.Action in
            let slot = try target.entrySlot(intid, in: s)
            return try s[slot].raise(event)
        }
    }

    // MARK: Shared peripheral interrupts

    /// Configures an SPI and routes it to a CPU. An SPI starts enabled, inactive and not pending.
    /// - Throws: ``HostIRQError/wrongInterruptKind(_:expected:)``,
    ///   ``HostIRQError/spiAlreadyConfigured(_:)``, ``HostIRQError/cpuOutOfRange(_:cpuCount:)``.
    public func configureSPI(
        _ intid: INTID, trigger: Trigger, priority: Priority = .defaultDevice, target: CPUID
    ) throws(HostIRQError) {
        guard intid.kind == .spi else { throw .wrongInterruptKind(intid, expected: .spi) }
        let destination = try cpu(target)
        let wake = try spiRoutes.withLock { (routes) throws(HostIRQError) -> PendingWake? in
            guard !routes.contains(where: { $0.intid == intid }) else { throw .spiAlreadyConfigured(intid) }
            routes.append((intid, target))
            routes.sort { $0.intid < $1.intid }
            return destination.locked { s in
                s.shared.append(InterruptEntry(intid: intid, trigger: trigger, priority: priority))
                s.shared.sort { $0.intid < $1.intid }
            }.1
        }
        wake?.fire()
    }

    /// Moves an idle SPI (with its handler and counts) to another CPU.
    /// - Throws: ``HostIRQError/interruptBusy(_:)`` if it is pending or active,
    ///   ``HostIRQError/spiNotConfigured(_:)``.
    public func routeSPI(_ intid: INTID, to target: CPUID) throws(HostIRQError) {
        let destination = try cpu(target)
        let wakes = try spiRoutes.withLock { (routes) throws(HostIRQError) -> [PendingWake?] in
            guard let r = routes.firstIndex(where: { $0.intid == intid }) else { throw .spiNotConfigured(intid) }
            let source = cpus[routes[r].cpu.rawValue]
            guard source !== destination else { return [] }
            let (entry, sourceWake) = try source.locked { (s) throws(HostIRQError) -> InterruptEntry in
                guard let i = s.shared.firstIndex(where: { $0.intid == intid }) else { throw .spiNotConfigured(intid) }
                guard s.shared[i].state.isIdle else { throw .interruptBusy(intid) }
                return s.shared.remove(at: i)
            }
            let destinationWake = destination.locked { s in
                s.shared.append(entry)
                s.shared.sort { $0.intid < $1.intid }
            }.1
            routes[r].cpu = target
            return [sourceWake, destinationWake]
        }
        for wake in wakes { wake?.fire() }
    }

    /// The CPU an SPI is routed to.
    public func route(of intid: INTID) throws(HostIRQError) -> CPUID {
        try spiRoutes.withLock { (routes) throws(HostIRQError) -> CPUID in
            guard let r = routes.first(where: { $0.intid == intid }) else { throw .spiNotConfigured(intid) }
            return r.cpu
        }
    }

    /// Drives the line of a level-sensitive SPI on the CPU it is routed to.
    @discardableResult
    public func setSPILevel(_ intid: INTID, high: Bool) throws(HostIRQError) -> InterruptState.Action {
        try raiseSPI(intid, .setLine(high: high))
    }

    /// Signals one edge of an edge-triggered SPI on the CPU it is routed to.
    @discardableResult
    public func pulseSPI(_ intid: INTID) throws(HostIRQError) -> InterruptState.Action {
        try raiseSPI(intid, .pulse)
    }

    /// Registers the handler of an SPI; it follows the SPI when re-routed. At most one.
    public func registerSPIHandler(for intid: INTID, _ handler: @escaping InterruptHandler) throws(HostIRQError) {
        try spiRoutes.withLock { (routes) throws(HostIRQError) in
            guard let r = routes.first(where: { $0.intid == intid }) else { throw .spiNotConfigured(intid) }
            let target = cpus[r.cpu.rawValue]
            try target.lock.withLock { (s) throws(HostIRQError) in
                let slot = try target.entrySlot(intid, in: s)
                try CPUInterface.install(handler, in: &s[slot], cpu: target.id)
            }
        }
    }

    /// Enables or disables an SPI.
    public func setSPIEnabled(_ intid: INTID, _ enabled: Bool) throws(HostIRQError) {
        let target = try cpu(route(of: intid))
        try target.setEnabled(intid, enabled)
    }

    /// The route lock is held while the target CPU's state changes (so a concurrent re-route
    /// cannot lose the raise), but the wake callback runs after both locks are released.
    private func raiseSPI(_ intid: INTID, _ event: InterruptState.Event) throws(HostIRQError) -> InterruptState.Action {
        guard intid.kind == .spi else { throw .wrongInterruptKind(intid, expected: .spi) }
        let (action, wake) = try spiRoutes.withLock {
            (routes) throws(HostIRQError) -> (InterruptState.Action, PendingWake?) in
            guard let r = routes.first(where: { $0.intid == intid }) else { throw .spiNotConfigured(intid) }
            let target = cpus[r.cpu.rawValue]
            return try target.locked { (s) throws(HostIRQError) -> InterruptState.Action in
                try s[target.entrySlot(intid, in: s)].raise(event)
            }
        }
        wake?.fire()
        return action
    }

    // MARK: Statistics

    /// A snapshot of every CPU's statistics, in CPU order.
    public func statistics() -> IRQStatistics {
        IRQStatistics(cpus: cpus.map { $0.statistics() })
    }
}
