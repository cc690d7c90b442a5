/// A synchronous, single-threaded driver of the SPE model: physical CPUs with their devices, VMs,
/// VCPUs, and the guest actions that exercise them (register accesses routed as KVM routes them,
/// sampled operations with exits on `PMBIRQ`, host work between runs, migration, a guest driver that
/// services its buffer in DEN0154's order). It is the reference the concurrent runtime is held to,
/// and what the rule and mutation tests drive.
public struct SPEWorkbench: Sendable {
    /// The devices, one per physical CPU.
    public private(set) var devices: [CPUSPEDevice]
    public private(set) var vms: [SPEVM] = []
    /// The VCPUs' contexts (while a VCPU is loaded its context is still kept here: the workbench
    /// is single-threaded).
    public private(set) var vcpus: [VCPUSPEContext] = []
    /// Where each VCPU is loaded, and whether it is in the guest.
    public private(set) var placement: [Int?] = []
    public private(set) var inGuest: [Bool] = []
    /// Each VCPU's position in its program.
    public private(set) var programIndex: [UInt64] = []
    /// Exits by reason.
    public private(set) var exits = ExitCounts()
    /// Virtual time in nanoseconds: operations advance it.
    public private(set) var now: UInt64 = 0
    /// Host operations run after every exit (KVM's exit handling, profiled by a host session).
    public var hostOperationsPerExit: UInt64 = 200
    public let mutation: SPEMutation?
    private let seed: UInt64

    /// Exits by reason.
    public struct ExitCounts: Hashable, Sendable {
        public var sysreg: UInt64 = 0
        public var irq: UInt64 = 0
        public var preemption: UInt64 = 0
        public var lockedMemory: UInt64 = 0
        public var total: UInt64 { sysreg + irq + preemption + lockedMemory }
    }

    /// A workbench of `cpus` physical CPUs.
    public init(cpus: Int, seed: UInt64 = 1, mutation: SPEMutation? = nil) {
        precondition(cpus > 0, "a workbench needs a CPU")
        devices = (0..<cpus).map { CPUSPEDevice(cpu: $0, seed: seed, mutation: mutation) }
        self.mutation = mutation
        self.seed = seed
    }

    /// Adds a VM and returns its index.
    @discardableResult
    public mutating func addVM(_ configuration: SPEVMConfiguration = .init(), lockedMemoryLimit: UInt64 = .max) -> Int {
        vms.append(SPEVM(index: vms.count, configuration: configuration, lockedMemoryLimit: lockedMemoryLimit))
        return vms.count - 1
    }

    /// Adds a VCPU to `vm` (SPE attributes set and INIT run when the VM has SPE) and returns its index.
    @discardableResult
    public mutating func addVCPU(
        vm: Int, irq: UInt32 = 21, spu: [Int]? = nil, maxBufferSize: UInt64 = 0
    ) throws(SPEDeviceError) -> Int {
        let id = VCPUID(vm: vm, index: vcpus.filter { $0.id.vm == vm }.count)
        var context = VCPUSPEContext(id: id)
        if vms[vm].hasSPE {
            try context.spe.setIRQ(irq, vcpu: id, vm: vms[vm])
            try context.spe.setSPU(spu ?? Array(devices.indices), cpuCount: devices.count, vcpu: id, vm: vms[vm])
            try context.spe.setMaxBufferSize(maxBufferSize, vcpu: id, vm: vms[vm])
            try context.spe.initialize(vcpu: id, vm: vms[vm])
        }
        vcpus.append(context)
        placement.append(nil)
        inGuest.append(false)
        programIndex.append(0)
        return vcpus.count - 1
    }

    /// Adds a VCPU whose context the caller prepared (attributes set or not).
    @discardableResult
    public mutating func add(_ context: VCPUSPEContext) -> Int {
        vcpus.append(context)
        placement.append(nil)
        inGuest.append(false)
        programIndex.append(0)
        return vcpus.count - 1
    }

    private func env(_ v: Int) -> KVMEnvironment { KVMEnvironment(vm: vms[vcpus[v].id.vm], mutation: mutation) }

    // MARK: Placement

    /// Loads VCPU `v` on `cpu` (putting it from where it was first).
    public mutating func load(_ v: Int, on cpu: Int) throws(SPEDeviceError) {
        if placement[v] == cpu { return }
        if placement[v] != nil { put(v) }
        if let other = devices[cpu].loaded, let holder = vcpus.firstIndex(where: { $0.id == other }) { put(holder) }
        try devices[cpu].load(vcpus[v], vm: vms[vcpus[v].id.vm])
        placement[v] = cpu
    }

    /// Puts VCPU `v` (exiting the guest first).
    public mutating func put(_ v: Int) {
        guard let cpu = placement[v] else { return }
        leaveGuest(v, reason: .preemption)
        devices[cpu].put(vcpus[v])
        placement[v] = nil
    }

    /// Moves VCPU `v` to `cpu`: put on the old CPU, load on the new one.
    public mutating func migrate(_ v: Int, to cpu: Int) throws(SPEDeviceError) { try load(v, on: cpu) }

    // MARK: Entry and exit

    /// Why the workbench made a VCPU exit.
    public enum ExitReason: Hashable, Sendable {
        case sysreg, irq, preemption
    }

    /// Enters the guest if the VCPU is not in it; false if it could not (locked memory).
    @discardableResult
    public mutating func enterGuest(_ v: Int) throws(SPEDeviceError) -> Bool {
        guard let cpu = placement[v] else { throw .notInitialized(vcpus[v].id) }
        if inGuest[v] { return true }
        let environment = env(v)
        while true {
            switch devices[cpu].enter(&vcpus[v], env: environment) {
            case .entered:
                inGuest[v] = true
                return true
            case .lockedMemoryLimit(let needed):
                exits.lockedMemory += 1
                environment.vm.lockedMemory.raiseLimit(toFit: needed)
            }
        }
    }

    /// Exits the guest if the VCPU is in it, then runs the host's exit handling.
    public mutating func leaveGuest(_ v: Int, reason: ExitReason) {
        guard inGuest[v], let cpu = placement[v] else { return }
        devices[cpu].exit(&vcpus[v], env: env(v), now: now)
        inGuest[v] = false
        switch reason {
        case .sysreg: exits.sysreg += 1
        case .irq: exits.irq += 1
        case .preemption: exits.preemption += 1
        }
        hostWork(on: cpu)
    }

    /// After an exit the host unmasks and takes a pending `PMBIRQ` (its own buffer's), then does
    /// its exit handling with interrupts masked until the next entry: a host buffer that fills then
    /// is still pending when the guest takes the buffer, as SPE.md §5 says must not be lost.
    private mutating func hostWork(on cpu: Int) {
        if devices[cpu].unit.pmbirq { _ = devices[cpu].serviceHostInterrupt() }
        devices[cpu].runHost(hostOperationsPerExit, now: now)
        now += hostOperationsPerExit
    }

    // MARK: Guest actions

    /// A guest access to `register`: direct ones go to hardware inside the guest; trapped ones exit
    /// and KVM handles them. Returns the value read (nil for a write) or the outcome.
    public mutating func access(_ v: Int, _ register: SPERegisterID, write value: UInt64? = nil) throws(SPEDeviceError) -> TrapOutcome {
        guard let cpu = placement[v] else { throw .notInitialized(vcpus[v].id) }
        try enterGuest(v)
        switch AccessRoute.of(register, vmHasSPE: vms[vcpus[v].id.vm].hasSPE) {
        case .direct:
            let read = devices[cpu].guestDirectAccess(register, write: value, vcpu: &vcpus[v])
            return read.map { .read($0) } ?? .written
        case .undefined:
            return .undefined
        case .trapped:
            leaveGuest(v, reason: .sysreg)
            let outcome = devices[cpu].handleTrap(register, write: value, vcpu: &vcpus[v], env: env(v))
            if case .lockedMemoryLimit = outcome { exits.lockedMemory += 1 }
            return outcome
        }
    }

    /// Reads `register` as the guest; 0 for an undefined access.
    public mutating func read(_ v: Int, _ register: SPERegisterID) throws(SPEDeviceError) -> UInt64 {
        if case .read(let value) = try access(v, register) { return value }
        return 0
    }

    /// Writes `register` as the guest.
    public mutating func write(_ v: Int, _ register: SPERegisterID, _ value: UInt64) throws(SPEDeviceError) {
        _ = try access(v, register, write: value)
    }

    /// The guest runs `count` operations of `program` (default: a synthetic one per VCPU), exiting
    /// on every `PMBIRQ` and entering again. Returns how many ran.
    @discardableResult
    public mutating func run(_ v: Int, operations count: UInt64, program: (any OperationSource)? = nil, at exceptionLevel: UInt8 = 0) throws(SPEDeviceError) -> UInt64 {
        let program = program ?? SyntheticProgram(seed: seed ^ UInt64(v) &* 0x51ED_2701, exceptionLevel: exceptionLevel)
        var done: UInt64 = 0
        while done < count {
            try enterGuest(v)
            guard let cpu = placement[v] else { break }
            let ran = devices[cpu].runGuest(count - done, of: program, from: programIndex[v], at: exceptionLevel, vcpu: &vcpus[v], now: now)
            done += ran
            programIndex[v] &+= ran
            now &+= ran
            if devices[cpu].unit.pmbirq { leaveGuest(v, reason: .irq) }
        }
        return done
    }

    /// The guest's SPE driver services its interrupt in DEN0154's order: read `PMBSR_EL1`, clear
    /// `E`, consume the records, write 0 to `PMBSR_EL1`, reset `PMBPTR_EL1`, set `E` again.
    /// Returns the records consumed.
    @discardableResult
    public mutating func serviceBuffer(_ v: Int, restartAt base: UInt64? = nil) throws(SPEDeviceError) -> [DecodedRecord] {
        let sr = PMBSR_EL1(rawValue: try read(v, .PMBSR_EL1))
        var limit = PMBLIMITR_EL1(rawValue: try read(v, .PMBLIMITR_EL1))
        let enable = limit.E
        limit.E = false
        try write(v, .PMBLIMITR_EL1, limit.rawValue)
        let start = vcpus[v].spe.bufferBase
        _ = try read(v, .PMBPTR_EL1)
        var records: [DecodedRecord] = []
        // The driver reads its records and nothing more, whatever the pointer says.
        if let extent = vcpus[v].spe.recordExtent, !extent.isEmpty, let cpu = placement[v] {
            switch devices[cpu].consumeGuestBuffer(&vcpus[v], from: extent.lowerBound, to: extent.upperBound) {
            case .success(let decoded): records = decoded
            case .failure(let error): throw error
            }
        }
        try write(v, .PMBSR_EL1, 0)
        try write(v, .PMBPTR_EL1, base ?? start)
        limit.E = enable || sr.S
        try write(v, .PMBLIMITR_EL1, limit.rawValue)
        return records
    }

    /// Programs VCPU `v`'s buffer `[base, base + size)` (mapped first), sampling every `interval`
    /// operations at EL0 and EL1, with context and timestamps, and enables it.
    public mutating func programBuffer(_ v: Int, base: UInt64, size: UInt64, interval: UInt64 = 256, map: Bool = true) throws(SPEDeviceError) {
        if map { vcpus[v].memory.map(base..<(base + size)) }
        var scr = PMSCR_EL1(rawValue: 0)
        scr.E0SPE = true
        scr.E1SPE = true
        scr.CX = true
        scr.TS = true
        try write(v, .PMSCR_EL1, scr.rawValue)
        try write(v, .PMSIRR_EL1, max(1, interval / 256) << 8)
        try write(v, .PMBPTR_EL1, base)
        var limit = PMBLIMITR_EL1(rawValue: 0)
        limit.LIMIT = (base + size) >> 12
        limit.E = true
        try write(v, .PMBLIMITR_EL1, limit.rawValue)
    }

    // MARK: The host and the VMM

    /// Starts (or stops) the host's SPE session on `cpu`, with a 64 KiB buffer sampling every 1024
    /// host operations unless `size` and `interval` say otherwise.
    public mutating func setHostSession(_ on: Bool, cpu: Int, size: UInt64 = 64 * 1024, interval: UInt64 = 1024) {
        if let holder = placement.firstIndex(of: cpu) { leaveGuest(holder, reason: .preemption) }
        if on {
            if devices[cpu].host == nil {
                devices[cpu].startHostSession(HostPerfSession(cpu: cpu, size: size, interval: interval, seed: seed))
            }
        } else {
            devices[cpu].stopHostSession()
        }
    }

    /// The VMM removes guest memory under `range` at stage 2 (the VCPU must be out of the guest).
    public mutating func unmapStage2(_ v: Int, _ range: Range<UInt64>) { vcpus[v].memory.unmapStage2(range) }

    /// The guest removes its own stage-1 mapping of `range`.
    public mutating func unmapStage1(_ v: Int, _ range: Range<UInt64>) { vcpus[v].memory.unmapStage1(range) }

    /// Maps `range` for VCPU `v` at stage 1 with memory behind it at stage 2.
    public mutating func map(_ v: Int, _ range: Range<UInt64>) { vcpus[v].memory.map(range) }

    /// Every violation every CPU's checker reported, in CPU then event order.
    public var violations: [SPEViolation] { devices.flatMap(\.checker.violations) }

    /// Events checked on all CPUs.
    public var eventsChecked: UInt64 { devices.reduce(0) { $0 + $1.checker.eventsChecked } }
}
