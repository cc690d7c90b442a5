import Synchronization

/// What a VMM chose for a VM's SPE: whether it has SPE at all, which `PMSIDR_EL1` features it hides,
/// and the hardware's identification behind it.
public struct SPEVMConfiguration: Hashable, Sendable {
    public var hasSPE: Bool
    public var hiddenFeatures: [PMSIDRFeature]
    public var identification: SPEIdentification

    public init(hasSPE: Bool = true, hiddenFeatures: [PMSIDRFeature] = [], identification: SPEIdentification = .modelDefault) {
        self.hasSPE = hasSPE
        self.hiddenFeatures = hiddenFeatures
        self.identification = identification
    }

    /// The `PMSIDR_EL1` bits the guest must read as 0.
    public var hiddenMask: UInt64 { hiddenFeatures.reduce(0) { $0 | $1.bit.mask } }

    /// The guest's `PMSIDR_EL1`: the hardware's with the hidden features cleared.
    public var guestPMSIDR: PMSIDR_EL1 { PMSIDR_EL1(rawValue: identification.PMSIDR.rawValue & ~hiddenMask) }
}

/// One VM as KVM's SPE code sees it: its configuration, the PPI its VCPUs agreed on, and its
/// locked-memory account. Shared by its VCPUs across CPUs, so its mutable parts are atomic.
public final class SPEVM: Sendable {
    public let index: Int
    public let configuration: SPEVMConfiguration
    public let lockedMemory: LockedMemoryAccount
    /// The SPE PPI set by the first VCPU (0: not yet).
    private let agreedIRQ = Atomic<UInt32>(0)

    public init(index: Int, configuration: SPEVMConfiguration = .init(), lockedMemoryLimit: UInt64 = .max) {
        self.index = index
        self.configuration = configuration
        lockedMemory = LockedMemoryAccount(limit: lockedMemoryLimit)
    }

    /// Whether the VM has SPE.
    public var hasSPE: Bool { configuration.hasSPE }

    /// The VM's SPE PPI, once a VCPU set it.
    public var irq: UInt32? {
        let value = agreedIRQ.load(ordering: .relaxed)
        return value == 0 ? nil : value
    }

    /// Records `intid` as the VM's SPE PPI, or refuses a different one.
    func agree(on intid: UInt32) throws(SPEDeviceError) {
        let (exchanged, existing) = agreedIRQ.compareExchange(expected: 0, desired: intid, ordering: .relaxed)
        if !exchanged && existing != intid { throw .irqDiffersFromVM(requested: intid, vm: existing) }
    }
}
