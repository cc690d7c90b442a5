/// The architectural SPE context of one VCPU: what a physical CPU holds while the VCPU is loaded
/// on it (handed over at load, handed back at put). A value, so it can be handed across CPUs as a
/// `sending` value and no two CPUs ever touch it at once.
public struct VCPUSPEContext: Sendable {
    public let id: VCPUID
    /// KVM's emulation state.
    public var spe = VCPUSPEState()
    /// The guest's memory, where its buffer lives.
    public var memory: AddressSpace
    /// The guest's sampling-control registers while they are not in hardware.
    public var controls = SamplingControls()
    /// The guest's `CONTEXTIDR_EL1`. The guest model sets a unique value per VCPU.
    public var contextID: UInt32
    /// The rule checker's view of this VCPU, carried with it from CPU to CPU.
    public var audit = VCPUAudit()

    public init(id: VCPUID, contextID: UInt32? = nil) {
        self.id = id
        memory = AddressSpace(owner: .guest(id))
        self.contextID = contextID ?? UInt32(truncatingIfNeeded: (id.vm + 1) << 16 | id.index)
    }

    /// A point-in-time view for the checker.
    func snapshot(hasSPE: Bool) -> VCPUSnapshot {
        VCPUSnapshot(vcpu: id, hasSPE: hasSPE, memory: spe.memory, virtualLine: spe.virtualLine, pinned: spe.pinned)
    }
}
