/// The host's own SPE session on one physical CPU (`perf record` of the host kernel at EL2): its
/// buffer in host memory, its enables and sampling controls, and what is saved while a guest owns
/// the buffer.
public struct HostPerfSession: Sendable {
    /// The host's buffer memory on this CPU.
    public internal(set) var memory: AddressSpace
    public let base: UInt64
    public let limit: UInt64
    /// `PMSCR_EL2` while the session runs.
    public let enables: PMSCR_EL2
    /// The host's sampling controls (interval, filters).
    public internal(set) var controls: SamplingControls
    /// The host's work between guest runs: KVM's exit handling, at EL2.
    public let program: SyntheticProgram
    public internal(set) var operationIndex: UInt64 = 0
    /// The host's `CONTEXTIDR_EL2`.
    public let contextID: UInt32
    /// Whether a guest has the buffer (the session is paused).
    public internal(set) var isPaused = false
    /// The buffer registers saved at the last entry.
    public internal(set) var saved: BufferRegisters?
    /// Records consumed and interrupts taken by the host's driver.
    public internal(set) var recordsConsumed: UInt64 = 0
    public internal(set) var interruptsHandled: UInt64 = 0
    public internal(set) var truncatedRecords: UInt64 = 0
    public internal(set) var decodeErrors: UInt64 = 0

    /// Bytes of host memory mapped on each side of the buffer.
    public static let surroundingMemory: UInt64 = 64 * 1024

    /// The operations between a session's samples unless it is given another interval.
    public static let defaultInterval: UInt64 = 1024

    /// A session for `cpu` with a buffer `[base, base + size)` sampling every `interval` operations.
    public init(
        cpu: Int, base: UInt64 = 0xFFFF_0000_0010_0000, size: UInt64 = 64 * 1024, interval: UInt64 = defaultInterval,
        seed: UInt64 = 0
    ) {
        memory = AddressSpace(owner: .host(cpu: cpu))
        self.base = base
        limit = base + size
        // **Model decision:** the buffer lies inside host kernel memory that is mapped around it,
        // so a write that runs past the buffer lands in other host memory rather than faulting.
        memory.map((base - Self.surroundingMemory)..<(limit + Self.surroundingMemory))
        var enables = PMSCR_EL2(rawValue: 0)
        enables.E2SPE = true
        enables.CX = true
        enables.TS = true
        self.enables = enables
        controls = SamplingControls()
        controls.PMSIRR.INTERVAL = max(1, interval / 256)
        program = SyntheticProgram(seed: seed ^ 0x4057, exceptionLevel: 2, codeBase: 0xFFFF_8000_0010_0000)
        contextID = UInt32(0xE200_0000) | UInt32(truncatingIfNeeded: cpu)
    }

    /// The session's buffer registers with the buffer empty and enabled.
    var freshBuffer: BufferRegisters {
        var limitRegister = PMBLIMITR_EL1(rawValue: 0)
        limitRegister.LIMIT = limit >> 12
        limitRegister.E = true
        return BufferRegisters(PMBLIMITR: limitRegister, PMBPTR: PMBPTR_EL1(rawValue: base))
    }
}

/// What the host's `PMBIRQ` handler found.
public enum HostServiceOutcome: Hashable, Sendable {
    /// The host's buffer needed service: records consumed, buffer restarted.
    case handled(records: Int)
    /// Nothing to do: the source was already cleared (counted as spurious).
    case spurious
}

/// What an attempt to enter the guest came to.
public enum EntryOutcome: Hashable, Sendable {
    /// The guest runs.
    case entered
    /// The pinned buffer needs more locked memory than the VM has: the VCPU exits to the VMM.
    case lockedMemoryLimit(needed: UInt64)
}
