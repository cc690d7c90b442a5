/// A deliberately broken variant of the model. Each breaks exactly one ``SPERule``, so a run with it
/// proves the checker catches that rule.
public enum SPEMutation: String, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    case wrongTrapConfiguration = "wrong-trap-configuration"
    case pmbsrMemoryToHardware = "pmbsr-memory-to-hardware"
    case pmbsrMemoryClearedOnEntry = "pmbsr-memory-cleared-on-entry"
    case noServiceClearOnExit = "no-service-clear-on-exit"
    case limitrWrittenWhenDisabled = "limitr-written-when-disabled"
    case limitrBeforeStage2 = "limitr-before-stage2"
    case stage2OffBeforeDisable = "stage2-off-before-disable"
    case limitrMemoryFromHardware = "limitr-memory-from-hardware"
    case noPMBPTRWriteOnEntry = "no-pmbptr-write-on-entry"
    case noPMBPTRReadBack = "no-pmbptr-read-back"
    case pmbptrReadBackWhenDisabled = "pmbptr-read-back-when-disabled"
    case pmsidrNotMasked = "pmsidr-not-masked"
    case pmbidrMaxSizeNotShown = "pmbidr-max-size-not-shown"
    case virqNotLowered = "virq-not-lowered"
    case virqReassertedEveryExit = "virq-reasserted-every-exit"
    case pmbirqNotLowered = "pmbirq-not-lowered"
    case syndromeOverwritten = "syndrome-overwritten"
    case noBufferFullEvent = "no-buffer-full-event"
    case discardModeWrites = "discard-mode-writes"
    case samplingWhileStopped = "sampling-while-stopped"
    case dropNotCounted = "drop-not-counted"
    case noPMBSRZeroOnEntry = "no-pmbsr-zero-on-entry"
    case hostNotPaused = "host-not-paused"
    case ownershipNotReturned = "ownership-not-returned"
    case noDrainOnExit = "no-drain-on-exit"
    case stage2SyndromeToGuest = "stage2-syndrome-to-guest"
    case hostSyndromeDropped = "host-syndrome-dropped"
    case guestControlsNotSaved = "guest-controls-not-saved"
    case enableChecksSkipped = "enable-checks-skipped"
    case noUnpinOnDisable = "no-unpin-on-disable"
    case interruptsUnmaskedEarly = "interrupts-unmasked-early"

    public var description: String { rawValue }

    /// The rule this mutation breaks.
    public var rule: SPERule {
        switch self {
        case .wrongTrapConfiguration: .guestTrapsExactlyBufferRegisters
        case .pmbsrMemoryToHardware: .pmbsrMemoryNeverToHardware
        case .pmbsrMemoryClearedOnEntry: .pmbsrMemoryChangedOnlyByAllowedCauses
        case .noServiceClearOnExit: .hwServiceClearedOnExit
        case .limitrWrittenWhenDisabled: .limitrWrittenOnlyWhenEnabled
        case .limitrBeforeStage2: .limitrWrittenAfterStage2On
        case .stage2OffBeforeDisable: .bufferDisabledBeforeStage2Off
        case .limitrMemoryFromHardware: .limitrMemoryChangedOnlyByGuest
        case .noPMBPTRWriteOnEntry: .pmbptrWrittenBeforeEntry
        case .noPMBPTRReadBack: .pmbptrReadBackOnExit
        case .pmbptrReadBackWhenDisabled: .pmbptrMemoryChangedOnlyByGuestOrReadBack
        case .pmsidrNotMasked: .pmsidrHidesUnselectedFeatures
        case .pmbidrMaxSizeNotShown: .pmbidrShowsMaxBufferSize
        case .virqNotLowered: .virqLevelEqualsMemoryS
        case .virqReassertedEveryExit: .virqChangedOnlyOnLevelChange
        case .pmbirqNotLowered: .pmbirqLevelEqualsHardwareS
        case .syndromeOverwritten: .firstSyndromeWins
        case .noBufferFullEvent: .bufferFullRaisesEvent
        case .discardModeWrites: .discardModeWritesNothing
        case .samplingWhileStopped: .noRecordWhileStopped
        case .dropNotCounted: .recordAccountingExact
        case .noPMBSRZeroOnEntry: .hwPMBSRZeroedOnEntry
        case .hostNotPaused: .hostSamplingStoppedBeforeHandover
        case .ownershipNotReturned: .bufferReturnedToHostOnExit
        case .noDrainOnExit: .noForeignBytesInBuffer
        case .stage2SyndromeToGuest: .noStage2SyndromeToGuest
        case .hostSyndromeDropped: .hostSyndromePreserved
        case .guestControlsNotSaved: .samplingControlsSwitched
        case .enableChecksSkipped: .hardwareBufferCheckedAndPinned
        case .noUnpinOnDisable: .pinnedExactlyWhileEnabled
        case .interruptsUnmaskedEarly: .interruptsMaskedDuringSwitch
        }
    }

    /// What the broken variant does, for `spe-vm mutations`.
    public var summary: String {
        switch self {
        case .wrongTrapConfiguration: "enters an SPE guest with the sampling controls trapped too (TPMS=1)"
        case .pmbsrMemoryToHardware: "writes the in-memory PMBSR_EL1 to hardware at entry instead of 0"
        case .pmbsrMemoryClearedOnEntry: "clears the in-memory PMBSR_EL1 at entry, losing the guest's event"
        case .noServiceClearOnExit: "leaves hardware PMBSR_EL1.S set on exit"
        case .limitrWrittenWhenDisabled: "writes the in-memory PMBLIMITR_EL1 to hardware even when the buffer is not enabled"
        case .limitrBeforeStage2: "writes PMBLIMITR_EL1 before turning stage 2 on"
        case .stage2OffBeforeDisable: "turns stage 2 off before clearing PMBLIMITR_EL1.E"
        case .limitrMemoryFromHardware: "copies hardware PMBLIMITR_EL1 (E=0) into memory on exit"
        case .noPMBPTRWriteOnEntry: "does not write PMBPTR_EL1 to hardware at entry"
        case .noPMBPTRReadBack: "does not read PMBPTR_EL1 back on exit"
        case .pmbptrReadBackWhenDisabled: "reads PMBPTR_EL1 back on exit even when the buffer was not enabled at entry"
        case .pmsidrNotMasked: "shows the guest the hardware PMSIDR_EL1, hidden features included"
        case .pmbidrMaxSizeNotShown: "shows the guest the hardware PMBIDR_EL1 (no maximum size)"
        case .virqNotLowered: "does not lower the virtual line when the guest clears S"
        case .virqReassertedEveryExit: "sets the virtual line again on every exit, level changed or not"
        case .pmbirqNotLowered: "the SPE unit does not lower PMBIRQ when S is cleared"
        case .syndromeOverwritten: "KVM checks every write that sets E, not only the enable edge, and its injection overwrites a pending syndrome"
        case .noBufferFullEvent: "the SPE unit never raises buffer-filled"
        case .discardModeWrites: "the SPE unit writes records in discard mode"
        case .samplingWhileStopped: "the SPE unit writes records while S=1"
        case .dropNotCounted: "filtered samples are not counted"
        case .noPMBSRZeroOnEntry: "does not zero hardware PMBSR_EL1 at entry"
        case .hostNotPaused: "hands the buffer to the guest with host sampling still on"
        case .ownershipNotReturned: "leaves the buffer owned by EL1 after exit"
        case .noDrainOnExit: "does not drain on exit: an in-flight guest sample lands in the host's buffer"
        case .stage2SyndromeToGuest: "copies a stage-2 abort syndrome into the guest's PMBSR_EL1 as is"
        case .hostSyndromeDropped: "does not save the host's PMBSR_EL1 at entry, losing its pending interrupt"
        case .guestControlsNotSaved: "does not save the guest's sampling controls on exit"
        case .enableChecksSkipped: "skips the enable-edge checks and pinning"
        case .noUnpinOnDisable: "does not unpin when the buffer is disabled"
        case .interruptsUnmaskedEarly: "unmasks host interrupts before the exit's last step"
        }
    }
}
