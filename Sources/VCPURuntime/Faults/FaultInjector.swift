import HostIRQ
import SPEDevice

/// A VCPU as the migrator and the fault injector reach it from a housekeeping tick: thread-safe
/// handles only.
struct VCPUHandle: Sendable {
    let control: VCPUControl
    let vgic: VirtualInterruptController
    /// The CPUs it may run on.
    let allowed: [Int]
    /// Its VM, as an index into the run's VMs.
    let vm: Int

    /// Kicks the VCPU out of the guest if it is in it, so it sees a request now.
    func kick(through distributor: Distributor) {
        if case .inGuest(let cpu) = vgic.location { _ = try? distributor.sendSGI(.kick, to: cpu) }
    }

    /// Asks the VCPU to move to `cpu` at its next exit, kicking it out of the guest.
    func requestMove(to cpu: Int, through distributor: Distributor) {
        control.requestMove(to: cpu)
        kick(through: distributor)
    }
}

/// A VM as the fault injector reaches it.
struct VMHandle: Sendable {
    let spe: SPEVM
    /// The locked-memory limit the VM was given (`UInt64.max`: none): what a relaxed limit returns to.
    let lockedMemoryLimit: UInt64
    /// The VMM's maximum buffer size (0: none).
    let maxBufferSize: UInt64
}

/// Injects a run's faults (``Scenario/faults``) on either platform. Each kind is its own chain of
/// housekeeping ticks (``Platform/repeatAfter(_:_:)``) drawing every choice from its own
/// `SplitMix64`, seeded from the run's seed and the kind: when the next fault comes (uniform in
/// `[I/2, 3I/2]` for a mean interval `I`), whom it hits, and how. A tick only touches thread-safe
/// state: HostIRQ, atomics, a request a VCPU carries out before its next entry
/// (``VCPURequest``), a fault a CPU takes itself (``CPUFaults``), or a job it spawns on a CPU. On
/// the simulated platform the ticks run at virtual times in timer order, so a seed gives the same
/// faults at the same moments. The chains end with the run.
struct FaultInjector: Sendable {
    let platform: any Platform
    let faults: [FaultKind: UInt64]
    let seed: UInt64
    let vcpus: [VCPUHandle]
    let vms: [VMHandle]
    let cpus: [PhysicalCPU]
    let cpuFaults: [CPUFaults]
    let distributor: Distributor
    let ledger: FaultLedger
    /// Whether the run is over: the chains stop.
    let isOver: @Sendable () -> Bool

    /// Starts a chain for every fault with a mean interval above 0, in ``FaultKind/allCases`` order.
    func start() {
        for (index, kind) in FaultKind.allCases.enumerated() {
            guard let interval = faults[kind], interval > 0 else { continue }
            let chain = FaultChain(kind: kind, interval: interval, injector: self,
                random: SplitMix64(seed: (seed ^ 0x4641_554C_5453) &+ UInt64(index + 1) &* 0x9E37_79B9_7F4A_7C15))
            platform.repeatAfter(chain.firstDelay()) { chain.tick() }
        }
    }

    /// What one tick does.
    enum Action: Hashable, Sendable {
        case move(vcpu: Int, to: Int)
        case toggleHostSession(cpu: Int)
        case unmapBufferPage(vcpu: Int, pick: UInt64)
        case restoreMemory(vcpu: Int)
        /// The limit goes down to `sixteenths`/16 of what is charged now (page-aligned).
        case tightenLockedMemory(vm: Int, sixteenths: UInt64)
        case relaxLockedMemory(vm: Int)
        case arm(cpu: Int)
        /// A rising edge of the VMM device's line (lowered first if high); the burst's first counts.
        case pulse(vcpu: Int, first: Bool)
        case lower(vcpu: Int)
        case misprogram(vcpu: Int, GuestMisprogram)
        /// No target for this fault (no VM with SPE).
        case nothing
    }

    /// Carries out `action` of a `kind` fault (on the tick's thread, outside every lock).
    func perform(_ action: Action, of kind: FaultKind) {
        switch action {
        case .move(let v, let cpu):
            vcpus[v].requestMove(to: cpu, through: distributor)
            ledger.count(kind)
        case .toggleHostSession(let cpu):
            let physical = cpus[cpu]
            let ledger = ledger
            platform.spawn(on: cpu) {
                _ = await physical.toggleHostSession()
                ledger.count(kind)
            }
        case .unmapBufferPage(let v, let pick):
            // Counted by the CPU that unmaps it (a VCPU without a buffer loses nothing).
            vcpus[v].control.post(.unmapBufferPage(pick: pick))
            vcpus[v].kick(through: distributor)
        case .restoreMemory(let v):
            vcpus[v].control.post(.restoreMemory)
        case .tightenLockedMemory(let vm, let sixteenths):
            let account = vms[vm].spe.lockedMemory
            let limit = account.charged / 16 * sixteenths & ~(AddressSpace.pageSize - 1)
            guard limit < account.limit else { return }
            account.setLimit(limit)
            ledger.count(kind)
        case .relaxLockedMemory(let vm):
            vms[vm].spe.lockedMemory.raiseLimit(toAtLeast: vms[vm].lockedMemoryLimit)
        case .arm(let cpu):
            // Counted when the CPU takes it.
            cpuFaults[cpu].arm(kind)
        case .pulse(let v, let first):
            _ = try? vcpus[v].vgic.setLevel(.vmmDevice, high: false)
            _ = try? vcpus[v].vgic.setLevel(.vmmDevice, high: true)
            if first { ledger.count(kind) }
        case .lower(let v):
            _ = try? vcpus[v].vgic.setLevel(.vmmDevice, high: false)
        case .misprogram(let v, let bad):
            // Counted by the guest's driver when it enables the bad buffer.
            vcpus[v].control.post(.misprogram(bad))
        case .nothing:
            break
        }
    }
}

/// One fault kind's chain of ticks: its generator and the steps of a fault under way (a restore,
/// a relax, the rest of a burst), each with the delay before the tick after it.
final class FaultChain: Sendable {
    let kind: FaultKind
    /// The mean interval between faults, in nanoseconds.
    let interval: UInt64
    let injector: FaultInjector
    private let state: PThreadMutex<State>

    struct State: Sendable {
        var random: SplitMix64
        /// The steps still to come of the fault under way, first first.
        var followUps: [(action: FaultInjector.Action, delay: UInt64)] = []
    }

    init(kind: FaultKind, interval: UInt64, injector: FaultInjector, random: SplitMix64) {
        self.kind = kind
        self.interval = interval
        self.injector = injector
        state = PThreadMutex(State(random: random))
    }

    /// When the first fault comes.
    func firstDelay() -> UInt64 { state.withLock { Self.nextInterval(interval, &$0.random) } }

    /// One tick: the next step of the fault under way, or a new fault. Returns the delay to the next
    /// tick, nil once the run is over.
    func tick() -> UInt64? {
        guard !injector.isOver() else { return nil }
        let (action, delay) = state.withLock { state in
            if !state.followUps.isEmpty { return state.followUps.removeFirst() }
            return plan(&state)
        }
        injector.perform(action, of: kind)
        return delay
    }

    /// **Model decision:** the time to the next fault, uniform in `[I/2, 3I/2]` (mean `I`).
    static func nextInterval(_ mean: UInt64, _ random: inout SplitMix64) -> UInt64 {
        mean / 2 + random.next() % (mean | 1)
    }

    /// The bursts of `kick-storm`: 4 to 16 pulses of the VMM device's line, 500 to 2000 ns apart.
    static let stormPulses: ClosedRange<UInt64> = 4...16
    static let stormGap: ClosedRange<UInt64> = 500...2_000

    /// A new fault: its first action and the delay after it (its follow-ups queued), the whole fault
    /// taking one interval.
    private func plan(_ state: inout State) -> (FaultInjector.Action, UInt64) {
        let period = Self.nextInterval(interval, &state.random)
        let half = period / 2
        let vcpus = injector.vcpus
        let spe = vcpus.indices.filter { injector.vms[vcpus[$0].vm].spe.hasSPE }
        let speVMs = injector.vms.indices.filter { injector.vms[$0].spe.hasSPE }
        func pick(_ count: Int) -> Int { Int(state.random.next() % UInt64(count)) }
        switch kind {
        case .migrate:
            let v = pick(vcpus.count)
            return (.move(vcpu: v, to: vcpus[v].allowed[pick(vcpus[v].allowed.count)]), period)
        case .hostPerf:
            return (.toggleHostSession(cpu: pick(injector.cpus.count)), period)
        case .spuriousIRQ, .lateIRQ:
            return (.arm(cpu: pick(injector.cpus.count)), period)
        case .stage2Unmap:
            guard !spe.isEmpty else { return (.nothing, period) }
            let v = spe[pick(spe.count)]
            state.followUps = [(.restoreMemory(vcpu: v), period - half)]
            return (.unmapBufferPage(vcpu: v, pick: state.random.next()), half)
        case .memlock:
            guard !speVMs.isEmpty else { return (.nothing, period) }
            let vm = speVMs[pick(speVMs.count)]
            state.followUps = [(.relaxLockedMemory(vm: vm), period - half)]
            return (.tightenLockedMemory(vm: vm, sixteenths: state.random.next() % 16), half)
        case .kickStorm:
            let v = pick(vcpus.count)
            let pulses = Self.stormPulses.lowerBound + state.random.next() % UInt64(Self.stormPulses.count)
            let gap = Self.stormGap.lowerBound + state.random.next() % UInt64(Self.stormGap.count)
            state.followUps = (1..<pulses).map { _ in (.pulse(vcpu: v, first: false), gap) }
                + [(.lower(vcpu: v), period > pulses * gap ? period - pulses * gap : 1)]
            return (.pulse(vcpu: v, first: true), gap)
        case .guestMisprogram:
            guard !spe.isEmpty else { return (.nothing, period) }
            let v = spe[pick(spe.count)]
            let kinds = GuestMisprogram.allCases.filter { $0 != .oversized || injector.vms[vcpus[v].vm].maxBufferSize != 0 }
            return (.misprogram(vcpu: v, kinds[pick(kinds.count)]), period)
        }
    }
}
