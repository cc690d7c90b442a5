/// Why a selected sample did not become a complete record: the architectural reasons the model
/// counts, so that sampled = written + dropped holds exactly.
public enum DropReason: String, CaseIterable, Hashable, Sendable {
    /// Selected while another sample was in flight (`PMBSR_EL1.COLL`).
    case collision
    /// Removed by a filter of `PMSFCR_EL1`.
    case filtered
    /// The buffer is in discard mode.
    case discarded
    /// Profiling stopped (`S == 1`) or the buffer was disabled before the record completed.
    case stopped
    /// A translation fault or external abort stopped the write part way.
    case fault
}

/// Where the world switch of a CPU is: the checker's notion of time.
public enum SwitchPhase: Hashable, Sendable {
    /// The host runs; no guest loaded or between runs.
    case host
    /// Entry steps 1–6 are being carried out.
    case entry
    /// The guest runs.
    case guest
    /// Exit steps 1–7 are being carried out.
    case exit
}

/// Why KVM changed an in-memory register of a VCPU.
public enum MemoryCause: String, Hashable, Sendable {
    /// The guest wrote the register (a trapped write).
    case guestWrite
    /// KVM found the buffer misprogrammed at the enable edge and injected a management event.
    case misprogrammed
    /// A hardware management event was copied in on exit.
    case hardwareEvent
    /// `PMBPTR_EL1` read back from hardware on exit.
    case readBack
    /// Anything else (only a broken model does this).
    case other
}

/// What the VCPU's SPE state is at a world-switch boundary: the checker compares it with what it
/// has seen, so a change without an event is caught. (The sampling controls are not in it: their
/// switch is checked by ``SPEEvent/exitBegan(_:)`` and ``SPEEvent/guestControlsLoaded(_:)``, and
/// leaving them out keeps an event small enough to copy inline.)
public struct VCPUSnapshot: Hashable, Sendable {
    public var vcpu: VCPUID
    public var hasSPE: Bool
    public var memory: BufferRegisters
    public var virtualLine: Bool
    public var pinned: Range<UInt64>?
}

/// One observable step of the SPE unit, the device or KVM's emulation. The rule checker sees
/// nothing else.
///
/// Every payload is a plain value (no array, string or reference), so an event is trivially
/// copyable: the device queues, checks and remembers tens of them per exit, and a payload that
/// needs retaining made each of those copies go through the enum's value witness.
public enum SPEEvent: Hashable, Sendable {
    // The world switch.
    case entryBegan(VCPUSnapshot)
    case guestEntered
    /// The exit starts; `controls` are the guest's sampling controls as hardware holds them.
    case exitBegan(SamplingControls)
    case exitEnded(VCPUSnapshot)
    case interruptsMasked(Bool)

    // CPU state.
    case ownerChanged(BufferOwner, tpms: Bool)
    case stage2Changed(on: Bool)
    case hostSessionSaved(BufferRegisters, SamplingControls)
    /// The device is about to load these host values back (the writes that follow are the host's).
    case hostSessionRestoring(BufferRegisters, SamplingControls)
    case hostSessionRestored
    case guestControlsLoaded(SamplingControls)
    case guestControlsSaved(SamplingControls)

    // The SPE unit.
    case hardwareWrite(SPERegisterID, UInt64)
    case sampled(ProfilingContext)
    /// Bytes of a record written: `complete` unless a fault cut it short.
    case recordWritten(
        origin: ProfilingContext, into: ProfilingContext, range: Range<UInt64>, limit: UInt64, complete: Bool)
    case sampleDropped(DropReason, ProfilingContext)
    /// Hardware set `S`; `pointer` is `PMBPTR_EL1` after it.
    case managementEvent(PMBSR_EL1, pointer: UInt64)
    case pmbirqChanged(Bool)
    case drained

    // KVM's emulation of the VCPU.
    case memoryChanged(SPERegisterID, old: UInt64, new: UInt64, cause: MemoryCause)
    case virtualLineSet(Bool)
    case pinned(Range<UInt64>)
    case unpinned(Range<UInt64>)
    case guestRead(SPERegisterID, UInt64)
    /// A driver read the records in `range` of its buffer; a ``foreignBytesConsumed`` follows for
    /// each run of bytes in it that another context wrote.
    case bufferConsumed(owner: ProfilingContext, range: Range<UInt64>)
    /// Of the `range` a driver of `owner` just read, `run` was written by another context.
    case foreignBytesConsumed(owner: ProfilingContext, range: Range<UInt64>, run: ShadowLog.Run)
}
