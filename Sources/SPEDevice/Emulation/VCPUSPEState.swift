import HostIRQ

/// KVM's SPE state of one VCPU: the userspace attributes, the in-memory copies of the trapped
/// buffer registers, the virtual interrupt line, and the pinned buffer.
public struct VCPUSPEState: Hashable, Sendable {
    /// The SPE PPI (the userspace IRQ attribute).
    public private(set) var irq: UInt32?
    /// The CPUs with the SPE unit userspace selected (the SPU attribute), sorted.
    public private(set) var spu: [Int]?
    /// The maximum buffer size shown in `PMBIDR_EL1.MaxBuffSize`.
    public private(set) var maxBufferSize = MaxBufferSize.unlimited
    /// Whether INIT ran.
    public private(set) var isInitialized = false

    /// The in-memory `PMBLIMITR_EL1`, `PMBPTR_EL1` and `PMBSR_EL1`.
    public internal(set) var memory = BufferRegisters()
    /// The level of the VCPU's virtual SPE interrupt line.
    public internal(set) var virtualLine = false
    /// The pinned (and stage-2 mapped) pages of the enabled buffer.
    public internal(set) var pinned: Range<UInt64>?
    /// Pages that passed the enable checks but could not be pinned (locked-memory limit).
    public internal(set) var pinPending: Range<UInt64>?
    /// `PMBPTR_EL1` at the last enable edge: where the guest's records start.
    public internal(set) var bufferBase: UInt64 = 0
    /// Whether an enable edge ever set ``bufferBase``.
    public internal(set) var hasBufferBase = false
    /// What KVM's emulation counted for this VCPU.
    public internal(set) var counters = VCPUSPECounters()

    public init() {}

    /// PPIs the VCPU's other devices use, which the SPE interrupt may not take: the virtual
    /// interface's maintenance interrupt, the hypervisor timer and the virtual timer.
    public static let reservedPPIs: [INTID] = [.maintenance, .hypervisorTimer, .virtualTimer]

    /// `kvm_spe_profiling_buffer_enabled()` on the in-memory registers.
    public var isBufferEnabled: Bool { memory.isEnabled }

    /// The most bytes a driver or an observer reads from a buffer at once (**model decision**).
    public static let maxRecordRead: UInt64 = 16 << 20

    /// Where the guest's records are: from ``bufferBase`` to the in-memory `PMBPTR_EL1`, no further
    /// than the limit and at most ``maxRecordRead`` bytes; nil before the first enable edge. Every
    /// reader of a guest's records (its driver, `records`, `dump`) reads this and nothing more.
    public var recordExtent: Range<UInt64>? {
        guard hasBufferBase else { return nil }
        let end = min(memory.PMBPTR.PTR, memory.limitAddress)
        guard end > bufferBase else { return bufferBase..<bufferBase }
        return bufferBase..<min(end, bufferBase &+ Self.maxRecordRead)
    }

    // MARK: Userspace attributes

    /// Sets the SPE interrupt: a PPI, the same on every VCPU of `vm`.
    public mutating func setIRQ(_ intid: UInt32, vcpu: VCPUID, vm: SPEVM) throws(SPEDeviceError) {
        guard vm.hasSPE else { throw .vmHasNoSPE(vcpu) }
        guard !isInitialized else { throw .alreadyInitialized(attribute: "the IRQ attribute") }
        guard let id = try? INTID(intid), id.kind == .ppi else { throw .irqNotPPI(intid) }
        guard !Self.reservedPPIs.contains(id) else { throw .irqInUse(intid) }
        try vm.agree(on: intid)
        irq = intid
    }

    /// Selects the CPUs whose SPE unit the VCPU uses; each must exist (CPUs are `0..<cpuCount`).
    public mutating func setSPU(_ cpus: [Int], cpuCount: Int, vcpu: VCPUID, vm: SPEVM) throws(SPEDeviceError) {
        guard vm.hasSPE else { throw .vmHasNoSPE(vcpu) }
        guard !isInitialized else { throw .alreadyInitialized(attribute: "the SPU attribute") }
        guard !cpus.isEmpty else { throw .spuEmpty }
        for cpu in cpus where !(0..<cpuCount).contains(cpu) { throw .spuCPUHasNoSPE(cpu: cpu, cpuCount: cpuCount) }
        spu = Array(Set(cpus)).sorted()
    }

    /// Sets the maximum buffer size in bytes (0: no limit).
    public mutating func setMaxBufferSize(_ bytes: UInt64, vcpu: VCPUID, vm: SPEVM) throws(SPEDeviceError) {
        guard vm.hasSPE else { throw .vmHasNoSPE(vcpu) }
        guard !isInitialized else { throw .alreadyInitialized(attribute: "the maximum buffer size") }
        maxBufferSize = try MaxBufferSize(bytes: bytes)
    }

    /// INIT: once, after the IRQ and SPU attributes.
    public mutating func initialize(vcpu: VCPUID, vm: SPEVM) throws(SPEDeviceError) {
        guard vm.hasSPE else { throw .vmHasNoSPE(vcpu) }
        guard !isInitialized else { throw .alreadyInitialized(attribute: "a second INIT") }
        guard irq != nil else { throw .irqNotSet }
        guard spu != nil else { throw .spuNotSet }
        isInitialized = true
    }

    /// Whether the VCPU may run on `cpu`: INIT ran and `cpu` is in its SPU.
    public func checkRunnable(on cpu: Int, vcpu: VCPUID, vm: SPEVM) throws(SPEDeviceError) {
        guard vm.hasSPE else { return }
        guard isInitialized, let spu else { throw .notInitialized(vcpu) }
        guard spu.contains(cpu) else { throw .cpuOutsideSPU(cpu: cpu, spu: spu) }
    }
}

/// What KVM's SPE emulation counted for one VCPU.
public struct VCPUSPECounters: Hashable, Sendable {
    public init() {}

    /// Management events that set the guest's in-memory `S` (from hardware or injected by KVM).
    public var managementEvents: UInt64 = 0
    /// Of those, injected by KVM at the enable edge, by check.
    public var enableRefusals: [EnableRefusal: UInt64] = [:]
    /// Buffers pinned, and bytes.
    public var pins: UInt64 = 0
    public var bytesPinned: UInt64 = 0
    public var unpins: UInt64 = 0
    /// Virtual nanoseconds spent pinning and unpinning.
    public var pinNanoseconds: UInt64 = 0
    /// Exits to the VMM because pinning would pass the locked-memory limit.
    public var lockedMemoryExits: UInt64 = 0
    /// Guest writes of `PMBPTR_EL1` or `PMBSR_EL1` while in-memory `E` was 1 (DEN0154 says not to).
    public var driverOrderViolations: UInt64 = 0
    /// Hardware `PMBSR_EL1` bits without `S` (a collision) that the seed's rules never copy to memory.
    public var lostSyndromeBits: UInt64 = 0
    /// Exits that found a filter `PMSIDR_EL1` hides from the VM switched on in `PMSFCR_EL1`.
    public var hiddenFeatureInUse: UInt64 = 0
    /// Stage-2 aborts seen on exit (memory taken from under a pinned buffer): a KVM warning.
    public var stage2Warnings: UInt64 = 0
    /// Times the virtual line changed level.
    public var virtualLineChanges: UInt64 = 0
    /// Trapped accesses handled.
    public var trappedReads: UInt64 = 0
    public var trappedWrites: UInt64 = 0

    /// Adds `other`'s counts (totals over several VCPUs).
    public mutating func add(_ other: VCPUSPECounters) {
        managementEvents += other.managementEvents
        for (refusal, n) in other.enableRefusals { enableRefusals[refusal, default: 0] += n }
        pins += other.pins
        bytesPinned += other.bytesPinned
        unpins += other.unpins
        pinNanoseconds += other.pinNanoseconds
        lockedMemoryExits += other.lockedMemoryExits
        driverOrderViolations += other.driverOrderViolations
        lostSyndromeBits += other.lostSyndromeBits
        hiddenFeatureInUse += other.hiddenFeatureInUse
        stage2Warnings += other.stage2Warnings
        virtualLineChanges += other.virtualLineChanges
        trappedReads += other.trappedReads
        trappedWrites += other.trappedWrites
    }
}

/// Why KVM refused a buffer at the enable edge (SPE.md §5, in check order).
public enum EnableRefusal: String, CaseIterable, Hashable, Sendable {
    case misprogrammed
    case tooLarge = "too-large"
    case stage1Unmapped = "stage1-unmapped"
    case stage2Unmapped = "stage2-unmapped"
}
