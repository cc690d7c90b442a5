/// Every rule of the seed (patch 26) and of SPE.md §3 and §5 that the checker enforces, each with a
/// stable kebab-case name.
public enum SPERule: String, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    // The seed's register rules.
    case guestTrapsExactlyBufferRegisters = "guest-traps-exactly-buffer-registers"
    case pmbsrMemoryNeverToHardware = "pmbsr-memory-never-to-hardware"
    case pmbsrMemoryChangedOnlyByAllowedCauses = "pmbsr-memory-changed-only-by-allowed-causes"
    case hwServiceClearedOnExit = "hw-service-cleared-on-exit"
    case limitrWrittenOnlyWhenEnabled = "limitr-written-only-when-enabled"
    case limitrWrittenAfterStage2On = "limitr-written-after-stage2-on"
    case bufferDisabledBeforeStage2Off = "buffer-disabled-before-stage2-off"
    case limitrMemoryChangedOnlyByGuest = "limitr-memory-changed-only-by-guest"
    case pmbptrWrittenBeforeEntry = "pmbptr-written-before-entry"
    case pmbptrReadBackOnExit = "pmbptr-read-back-on-exit"
    case pmbptrMemoryChangedOnlyByGuestOrReadBack = "pmbptr-memory-changed-only-by-guest-or-read-back"
    case pmsidrHidesUnselectedFeatures = "pmsidr-hides-unselected-features"
    case pmbidrShowsMaxBufferSize = "pmbidr-shows-max-buffer-size"

    // Interrupt levels.
    case virqLevelEqualsMemoryS = "virq-level-equals-memory-s"
    case virqChangedOnlyOnLevelChange = "virq-changed-only-on-level-change"
    case pmbirqLevelEqualsHardwareS = "pmbirq-level-equals-hardware-s"

    // The SPE unit (§3).
    case firstSyndromeWins = "first-syndrome-wins"
    case bufferFullRaisesEvent = "buffer-full-raises-event"
    case discardModeWritesNothing = "discard-mode-writes-nothing"
    case noRecordWhileStopped = "no-record-while-stopped"
    case recordAccountingExact = "record-accounting-exact"

    // The world switch (§5).
    case hwPMBSRZeroedOnEntry = "hw-pmbsr-zeroed-on-entry"
    case hostSamplingStoppedBeforeHandover = "host-sampling-stopped-before-handover"
    case bufferReturnedToHostOnExit = "buffer-returned-to-host-on-exit"
    case noForeignBytesInBuffer = "no-foreign-bytes-in-buffer"
    case noStage2SyndromeToGuest = "no-stage2-syndrome-to-guest"
    case hostSyndromePreserved = "host-syndrome-preserved"
    case samplingControlsSwitched = "sampling-controls-switched"
    case hardwareBufferCheckedAndPinned = "hardware-buffer-checked-and-pinned"
    case pinnedExactlyWhileEnabled = "pinned-exactly-while-enabled"
    case interruptsMaskedDuringSwitch = "interrupts-masked-during-switch"

    public var description: String { rawValue }

    /// What the rule says, for reports and `spe-vm mutations`.
    public var summary: String {
        switch self {
        case .guestTrapsExactlyBufferRegisters:
            "in an SPE guest only the buffer registers and PMSIDR_EL1 trap (E2PB=0b10, TPMS=0); without SPE all trap"
        case .pmbsrMemoryNeverToHardware: "the in-memory PMBSR_EL1 is never written to hardware"
        case .pmbsrMemoryChangedOnlyByAllowedCauses:
            "in-memory PMBSR_EL1 changes only on a guest write, a misprogramming injection or a hardware event"
        case .hwServiceClearedOnExit: "hardware PMBSR_EL1.S is cleared on exit when set"
        case .limitrWrittenOnlyWhenEnabled: "PMBLIMITR_EL1 reaches hardware only while the buffer is enabled"
        case .limitrWrittenAfterStage2On: "the guest's PMBLIMITR_EL1 is written to hardware after stage 2 is on"
        case .bufferDisabledBeforeStage2Off: "hardware PMBLIMITR_EL1.E is cleared on exit before stage 2 is off"
        case .limitrMemoryChangedOnlyByGuest: "in-memory PMBLIMITR_EL1 changes only on a guest write"
        case .pmbptrWrittenBeforeEntry: "PMBPTR_EL1 is written to hardware before entry when the buffer is enabled"
        case .pmbptrReadBackOnExit: "PMBPTR_EL1 is read back on every exit when enabled at entry"
        case .pmbptrMemoryChangedOnlyByGuestOrReadBack:
            "in-memory PMBPTR_EL1 changes only on a guest write, a read-back or an injected fault"
        case .pmsidrHidesUnselectedFeatures: "the guest's PMSIDR_EL1 hides the features the VM was not given"
        case .pmbidrShowsMaxBufferSize: "the guest's PMBIDR_EL1 shows the VMM's maximum buffer size and P=0"
        case .virqLevelEqualsMemoryS: "the virtual SPE line equals in-memory PMBSR_EL1.S"
        case .virqChangedOnlyOnLevelChange: "KVM changes the virtual line only when its level changes"
        case .pmbirqLevelEqualsHardwareS: "the PMBIRQ line equals hardware PMBSR_EL1.S at every instant"
        case .firstSyndromeWins: "a management event while S=1 changes nothing: the first syndrome wins"
        case .bufferFullRaisesEvent: "a record that leaves no room for another raises buffer-filled"
        case .discardModeWritesNothing: "in discard mode nothing is written and PMBPTR_EL1 does not move"
        case .noRecordWhileStopped: "no record is written while profiling is stopped or disabled"
        case .recordAccountingExact: "every sample is written or dropped for a named reason"
        case .hwPMBSRZeroedOnEntry: "hardware PMBSR_EL1 is zero when the guest starts"
        case .hostSamplingStoppedBeforeHandover: "host sampling is stopped and drained before the buffer changes hands"
        case .bufferReturnedToHostOnExit: "the buffer is owned by EL2 again when the exit ends"
        case .noForeignBytesInBuffer: "every byte of a buffer was written by the buffer's owner"
        case .noStage2SyndromeToGuest: "a stage-2 abort reaches the guest as an external abort, never as EC=stage 2"
        case .hostSyndromePreserved: "a host syndrome pending at entry is restored when the host session resumes"
        case .samplingControlsSwitched: "each owner finds its sampling-control registers as it left them"
        case .hardwareBufferCheckedAndPinned: "hardware runs a guest buffer only after the enable checks passed and it is pinned"
        case .pinnedExactlyWhileEnabled: "a VCPU's buffer is pinned exactly while it is enabled"
        case .interruptsMaskedDuringSwitch: "host interrupts are masked for the whole entry and exit"
        }
    }
}
