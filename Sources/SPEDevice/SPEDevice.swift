/// SPEDevice: Arm's Statistical Profiling Extension as spe-vm models it, KVM's emulation of it for
/// a VCPU, and the per-CPU device that switches the buffer between host and guest.
///
/// - **Registers** (`Registers/`). One table, ``RegisterTable``, written from the Arm ARM for
///   SPEv1p2: every SPE register plus `MDCR_EL2.E2PB`/`TPMS` and `ID_AA64DFR0_EL1.PMSVer`, each
///   with its encoding and fields from bit 63 down, checked for overlaps and gaps. Each register is
///   a value type over its raw `UInt64` named as the manual names it (``PMBSR_EL1``, with `S`,
///   `EC`, `MSS`, …); encoded fields are ``EncodedField`` structs (``BufferExceptionClass``,
///   ``BufferStatusCode``, ``FaultStatusCode``, ``BufferFillMode``, ``BufferOwner``) so reserved
///   values stay representable.
/// - **Hardware** (`Hardware/`, `Memory/`, `Records/`). ``SPEUnit`` is one CPU's unit: the
///   sampling counter, filters, collisions, records built as architected packets
///   (``RecordEncoder``, decoded back by ``RecordDecoder``), writes through the owner's
///   translation (``AddressSpace``: guest stage 1 then stage 2, or the host's), buffer-full and
///   fault events with their exact syndromes, discard mode, drain, and `PMBIRQ` equal to hardware
///   `S`. The ``ShadowLog`` of each address space is the out-of-band truth of who wrote which bytes.
/// - **KVM's emulation** (`Emulation/`). ``VCPUSPEState`` holds a VCPU's userspace attributes and
///   the in-memory copies of the trapped registers; ``TrapTable`` handles the trapped accesses
///   (``AccessRoute`` says which trap); the enable edge runs SPE.md §5's five checks and pins the
///   buffer against the VM's ``LockedMemoryAccount``; the virtual line follows in-memory `S`.
/// - **The device** (`Device/`). ``CPUSPEDevice`` carries out the world switch step by step as
///   synchronous functions (no `await`): pause the host session, hand the buffer over, program the
///   guest's registers in the seed's order around stage 2, and on exit drain, disable, read back,
///   copy the syndrome, clear hardware `S`, and give the buffer back. ``SPEWorkbench`` drives
///   devices synchronously for tests and the reference scenario.
/// - **Rules** (`Checker/`). Every rule of the seed and SPE.md is an ``SPERule``; the per-CPU
///   ``SPERuleChecker`` holds them over the ``SPEEvent``s the unit, the device and the emulation
///   report, and each ``SPEMutation`` is a deliberately broken variant that breaks one rule.
public enum SPEDeviceModule {
    /// The module's name, for reports.
    public static let name = "SPEDevice"
    /// The KVM series the model follows.
    public static let modelledSeries = "KVM arm64 guest SPE, v6 RFC series (35 patches, Nov 2025)"
}
