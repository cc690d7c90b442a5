/// The SPE rule checker of one physical CPU. It sees only ``SPEEvent``s, mirrors the hardware from
/// them (and the VCPU's in-memory state in its ``VCPUAudit``), and reports every broken
/// ``SPERule`` with the event that showed it.
public struct SPERuleChecker: Sendable {
    public let cpu: Int
    /// Every violation seen, in order.
    public private(set) var violations: [SPEViolation] = []
    /// Events checked.
    public private(set) var eventsChecked: UInt64 = 0

    // The CPU's state as the events show it.
    private var phase = SwitchPhase.host
    private var masked = false
    private var stage2 = false
    private var owner = BufferOwner.el2
    private var hardware = BufferRegisters()
    private var hostEnables = PMSCR_EL2(rawValue: 0)
    private var line = false
    private var vcpu: VCPUID?
    private var hasSPE = false
    private var drainedThisSwitch = false
    private var serviceCheckedThisExit = false
    private var pmbsrWrittenThisEntry = false
    private var hostSaved: (BufferRegisters, SamplingControls)?
    private var hostRestoring: (BufferRegisters, SamplingControls)?
    private var ptrAtStage2Off: UInt64?
    private var expectBufferFull = false
    private var hiddenPMSIDR: UInt64 = 0
    private var guestMaxBuffSize: UInt64 = 0
    private var outstandingSamples: Int64 = 0

    public init(cpu: Int) { self.cpu = cpu }

    /// Tells the checker what the VM of the next VCPU hides and advertises.
    public mutating func expect(hiddenPMSIDR: UInt64, maxBuffSizeField: UInt64) {
        self.hiddenPMSIDR = hiddenPMSIDR
        guestMaxBuffSize = maxBuffSizeField
    }

    private mutating func report(_ rule: SPERule, _ detail: String) {
        violations.append(SPEViolation(rule: rule, cpu: cpu, vcpu: vcpu, event: eventsChecked, detail: detail))
    }

    /// Checks one event. `audit` is the VCPU being switched or handled, if any.
    public mutating func observe(_ event: SPEEvent, audit: inout VCPUAudit) {
        eventsChecked += 1
        if expectBufferFull {
            switch event {
            case .managementEvent: break
            default:
                expectBufferFull = false
                report(.bufferFullRaisesEvent, "a record left no room for another and no buffer-filled event followed")
            }
        }
        if case .pmbirqChanged = event {} else if line != hardware.PMBSR.S {
            report(.pmbirqLevelEqualsHardwareS, "PMBIRQ is \(line ? 1 : 0) while hardware S is \(hardware.PMBSR.S ? 1 : 0)")
            line = hardware.PMBSR.S
        }
        if phase == .exit && !serviceCheckedThisExit && event.handsBufferBack {
            serviceCheckedThisExit = true
            if hasSPE && hardware.PMBSR.S {
                report(.hwServiceClearedOnExit, "the buffer went back to the host with hardware PMBSR_EL1.S still set")
            }
        }
        if phase == .entry || phase == .exit, !masked, event.changesCPUState {
            report(.interruptsMaskedDuringSwitch, "\(event.kind) during the \(phase) with host interrupts unmasked")
        }
        switch event {
        case .entryBegan(let snapshot): entryBegan(snapshot, audit: &audit)
        case .guestEntered: guestEntered(audit: &audit)
        case .exitBegan(let controls):
            phase = .exit
            drainedThisSwitch = false
            serviceCheckedThisExit = false
            ptrAtStage2Off = nil
            audit.controlsAtExit = controls
        case .exitEnded(let snapshot): exitEnded(snapshot, audit: &audit)
        case .interruptsMasked(let on): masked = on
        case .ownerChanged(let newOwner, let tpms): ownerChanged(newOwner, tpms: tpms)
        case .stage2Changed(let on): stage2Changed(on)
        case .hostSessionSaved(let registers, let controls):
            if registers.PMBSR != hardware.PMBSR {
                report(.hostSyndromePreserved, "the host's PMBSR_EL1 was saved as \(registers.PMBSR.rawValue) but hardware held \(hardware.PMBSR.rawValue)")
            }
            hostSaved = (registers, controls)
        case .hostSessionRestoring(let registers, let controls):
            if let (saved, savedControls) = hostSaved {
                if registers.PMBSR != saved.PMBSR {
                    report(.hostSyndromePreserved, "the host's PMBSR_EL1 was restored as \(registers.PMBSR.rawValue), saved as \(saved.PMBSR.rawValue)")
                }
                if controls != savedControls {
                    report(.samplingControlsSwitched, "the host's sampling controls came back different")
                }
            }
            hostSaved = nil
            hostRestoring = (registers, controls)
        case .hostSessionRestored: hostRestoring = nil
        case .guestControlsLoaded(let controls):
            if let expected = audit.controlsAtExit, expected != controls {
                report(.samplingControlsSwitched, "the guest's sampling controls were loaded as they were not when it left")
            }
        case .guestControlsSaved: break
        case .hardwareWrite(let id, let value): hardwareWrite(id, value, audit: &audit)
        case .sampled:
            outstandingSamples += 1
            if outstandingSamples > 2 {
                report(.recordAccountingExact, "\(outstandingSamples) samples taken but neither written nor dropped")
            }
        case .recordWritten(let origin, let into, let range, let limit, let complete):
            recordWritten(origin: origin, into: into, range: range, limit: limit, complete: complete)
        case .sampleDropped: outstandingSamples -= 1
        case .managementEvent(let sr, let pointer):
            expectBufferFull = false
            hardware.PMBSR = sr
            hardware.PMBPTR.PTR = pointer
        case .pmbirqChanged(let level):
            line = level
            if level != hardware.PMBSR.S {
                report(.pmbirqLevelEqualsHardwareS, "PMBIRQ went to \(level ? 1 : 0) while hardware S is \(hardware.PMBSR.S ? 1 : 0)")
            }
        case .drained:
            drainedThisSwitch = true
            if outstandingSamples != 0 {
                report(.recordAccountingExact, "after a drain \(outstandingSamples) sample(s) are neither written nor dropped")
                outstandingSamples = 0
            }
        case .memoryChanged(let id, let old, let new, let cause): memoryChanged(id, old: old, new: new, cause: cause, audit: &audit)
        case .virtualLineSet(let level):
            if level == audit.virtualLine {
                report(.virqChangedOnlyOnLevelChange, "the virtual line was set to \(level ? 1 : 0) again")
            }
            audit.virtualLine = level
        case .pinned(let range): audit.pinned = range
        case .unpinned: audit.pinned = nil
        case .guestRead(let id, let value): guestRead(id, value)
        case .bufferConsumed: break
        case .foreignBytesConsumed(let owner, let range, let run):
            report(.noForeignBytesInBuffer, "\(owner)'s buffer [\(hex64(range.lowerBound)), \(hex64(range.upperBound))) holds bytes [\(hex64(run.range.lowerBound)), \(hex64(run.range.upperBound))) written by \(run.writer)")
        }
    }

    private mutating func entryBegan(_ snapshot: VCPUSnapshot, audit: inout VCPUAudit) {
        phase = .entry
        vcpu = snapshot.vcpu
        hasSPE = snapshot.hasSPE
        drainedThisSwitch = false
        pmbsrWrittenThisEntry = false
        if let seen = audit.memory {
            compareMemory(seen: seen, now: snapshot.memory)
        }
        checkLineAndPin(memory: snapshot.memory, line: snapshot.virtualLine, pinned: snapshot.pinned, audit: audit)
        audit.memory = snapshot.memory
        audit.virtualLine = snapshot.virtualLine
        audit.pinned = snapshot.pinned
    }

    /// A change of an in-memory register that no event announced.
    private mutating func compareMemory(seen: BufferRegisters, now: BufferRegisters) {
        if seen.PMBSR != now.PMBSR {
            report(.pmbsrMemoryChangedOnlyByAllowedCauses, "in-memory PMBSR_EL1 changed from \(hex64(seen.PMBSR.rawValue)) to \(hex64(now.PMBSR.rawValue)) with no cause")
        }
        if seen.PMBLIMITR != now.PMBLIMITR {
            report(.limitrMemoryChangedOnlyByGuest, "in-memory PMBLIMITR_EL1 changed from \(hex64(seen.PMBLIMITR.rawValue)) to \(hex64(now.PMBLIMITR.rawValue)) with no guest write")
        }
        if seen.PMBPTR != now.PMBPTR {
            report(.pmbptrMemoryChangedOnlyByGuestOrReadBack, "in-memory PMBPTR_EL1 changed from \(hex64(seen.PMBPTR.rawValue)) to \(hex64(now.PMBPTR.rawValue)) with no cause")
        }
    }

    private mutating func checkLineAndPin(memory: BufferRegisters, line: Bool, pinned: Range<UInt64>?, audit: VCPUAudit) {
        guard hasSPE else { return }
        if line != memory.PMBSR.S {
            report(.virqLevelEqualsMemoryS, "the virtual line is \(line ? 1 : 0) while in-memory S is \(memory.PMBSR.S ? 1 : 0)")
        }
        let enabled = memory.isEnabled
        if !enabled && pinned != nil {
            report(.pinnedExactlyWhileEnabled, "the buffer is disabled but \(pinned!.count) bytes are still pinned")
        }
    }

    private mutating func guestEntered(audit: inout VCPUAudit) {
        phase = .guest
        guard hasSPE, let memory = audit.memory else { return }
        let enabled = memory.isEnabled && audit.pinned != nil
        audit.enabledAtEntry = enabled
        if enabled && hardware.PMBPTR != memory.PMBPTR {
            report(.pmbptrWrittenBeforeEntry, "the guest runs with hardware PMBPTR_EL1 \(hex64(hardware.PMBPTR.rawValue)), in memory \(hex64(memory.PMBPTR.rawValue))")
        }
        if !pmbsrWrittenThisEntry && hardware.PMBSR.rawValue != 0 {
            report(.hwPMBSRZeroedOnEntry, "the guest runs with hardware PMBSR_EL1 \(hex64(hardware.PMBSR.rawValue))")
        }
    }

    private mutating func exitEnded(_ snapshot: VCPUSnapshot, audit: inout VCPUAudit) {
        if owner != .el2 {
            report(.bufferReturnedToHostOnExit, "the exit ended with the buffer owned by \(owner)")
        }
        if masked {
            report(.interruptsMaskedDuringSwitch, "the exit ended with host interrupts still masked")
        }
        if hasSPE && audit.enabledAtEntry, let ptr = ptrAtStage2Off, snapshot.memory.PMBPTR.PTR != ptr {
            report(.pmbptrReadBackOnExit, "in-memory PMBPTR_EL1 is \(hex64(snapshot.memory.PMBPTR.PTR)) after the exit, hardware was \(hex64(ptr))")
        }
        if let seen = audit.memory { compareMemory(seen: seen, now: snapshot.memory) }
        checkLineAndPin(memory: snapshot.memory, line: snapshot.virtualLine, pinned: snapshot.pinned, audit: audit)
        audit.memory = snapshot.memory
        audit.virtualLine = snapshot.virtualLine
        audit.pinned = snapshot.pinned
        phase = .host
    }

    private mutating func ownerChanged(_ newOwner: BufferOwner, tpms: Bool) {
        if phase == .entry {
            let expected: (BufferOwner, Bool) = hasSPE ? (.el1Trapped, false) : (.el2, true)
            if newOwner != expected.0 || tpms != expected.1 {
                report(.guestTrapsExactlyBufferRegisters, "entry set E2PB=\(newOwner) TPMS=\(tpms ? 1 : 0), want E2PB=\(expected.0) TPMS=\(expected.1 ? 1 : 0)")
            }
            if newOwner != .el2 && (hostEnables.E2SPE || hostEnables.E0HSPE) {
                report(.hostSamplingStoppedBeforeHandover, "the buffer went to EL1 with host sampling on (PMSCR_EL2=\(hex64(hostEnables.rawValue)))")
            }
        }
        owner = newOwner
    }

    private mutating func stage2Changed(_ on: Bool) {
        stage2 = on
        guard !on, phase == .exit else { return }
        if hardware.PMBLIMITR.E {
            report(.bufferDisabledBeforeStage2Off, "stage 2 went off with hardware PMBLIMITR_EL1.E still 1")
        }
        ptrAtStage2Off = hardware.PMBPTR.PTR
    }

    private mutating func hardwareWrite(_ id: SPERegisterID, _ value: UInt64, audit: inout VCPUAudit) {
        let restoringHost = hostRestoring != nil
        switch id {
        case .PMBSR_EL1:
            hardware.PMBSR = .init(rawValue: value)
            if phase == .entry { pmbsrWrittenThisEntry = true }
            if (phase == .entry || phase == .exit) && !restoringHost && value != 0 {
                report(.pmbsrMemoryNeverToHardware, "KVM wrote \(hex64(value)) to hardware PMBSR_EL1 during the \(phase)")
            }
        case .PMBPTR_EL1: hardware.PMBPTR = .init(rawValue: value)
        case .PMBLIMITR_EL1:
            hardware.PMBLIMITR = .init(rawValue: value)
            guard phase == .entry, hardware.PMBLIMITR.E, !restoringHost else { break }
            let memory = audit.memory ?? BufferRegisters()
            if !memory.isEnabled || memory.PMBLIMITR != hardware.PMBLIMITR {
                report(.limitrWrittenOnlyWhenEnabled, "hardware PMBLIMITR_EL1 got \(hex64(value)) while the in-memory buffer is \(memory.isEnabled ? "enabled with \(hex64(memory.PMBLIMITR.rawValue))" : "not enabled")")
            } else if !stage2 {
                report(.limitrWrittenAfterStage2On, "hardware PMBLIMITR_EL1.E was set before stage 2 was on")
            } else if let pinned = audit.pinned, pinned.lowerBound <= memory.PMBPTR.PTR, memory.limitAddress <= pinned.upperBound,
                memory.PMBPTR.PTR < memory.limitAddress, memory.PMBPTR.PTR % 64 == 0
            {
                // Checked and pinned.
            } else {
                report(.hardwareBufferCheckedAndPinned, "hardware runs [\(hex64(memory.PMBPTR.PTR)), \(hex64(memory.limitAddress))) which is not a checked, pinned buffer")
            }
        case .PMSCR_EL2: hostEnables = .init(rawValue: value)
        default: break
        }
    }

    private mutating func recordWritten(
        origin: ProfilingContext, into: ProfilingContext, range: Range<UInt64>, limit: UInt64, complete: Bool
    ) {
        if origin != into {
            report(.noForeignBytesInBuffer, "a record of \(origin) was written into \(into)'s buffer at \(hex64(range.lowerBound))")
        }
        let wasStopped = hardware.PMBSR.S || !hardware.PMBLIMITR.E
        if wasStopped {
            report(.noRecordWhileStopped, "a record was written at \(hex64(range.lowerBound)) while profiling was stopped")
        }
        if hardware.PMBLIMITR.FM == .discard {
            report(.discardModeWritesNothing, "a record was written at \(hex64(range.lowerBound)) in discard mode")
        }
        guard complete else { return }
        outstandingSamples -= 1
        hardware.PMBPTR.PTR = range.upperBound
        if !wasStopped && range.upperBound > limit &- 64 { expectBufferFull = true }
    }

    private mutating func memoryChanged(_ id: SPERegisterID, old: UInt64, new: UInt64, cause: MemoryCause, audit: inout VCPUAudit) {
        var memory = audit.memory ?? BufferRegisters()
        switch id {
        case .PMBLIMITR_EL1:
            if cause != .guestWrite {
                report(.limitrMemoryChangedOnlyByGuest, "in-memory PMBLIMITR_EL1 changed by \(cause.rawValue)")
            }
            memory.PMBLIMITR = .init(rawValue: new)
        case .PMBPTR_EL1:
            let allowed = cause == .guestWrite || cause == .misprogrammed || (cause == .readBack && audit.enabledAtEntry)
            if !allowed {
                report(.pmbptrMemoryChangedOnlyByGuestOrReadBack, "in-memory PMBPTR_EL1 changed by \(cause.rawValue)\(cause == .readBack ? " though the buffer was not enabled at entry" : "")")
            }
            memory.PMBPTR = .init(rawValue: new)
        case .PMBSR_EL1:
            let oldValue = PMBSR_EL1(rawValue: old)
            let newValue = PMBSR_EL1(rawValue: new)
            switch cause {
            case .guestWrite: break
            case .misprogrammed, .hardwareEvent:
                if oldValue.S && newValue != oldValue {
                    report(.firstSyndromeWins, "a management event replaced the pending syndrome \(hex64(old)) with \(hex64(new))")
                }
                if newValue.EC == .stage2DataAbort {
                    report(.noStage2SyndromeToGuest, "the guest's PMBSR_EL1 got a stage-2 abort syndrome \(hex64(new))")
                }
            case .readBack, .other:
                report(.pmbsrMemoryChangedOnlyByAllowedCauses, "in-memory PMBSR_EL1 changed by \(cause.rawValue)")
            }
            memory.PMBSR = newValue
        default: break
        }
        audit.memory = memory
    }

    private mutating func guestRead(_ id: SPERegisterID, _ value: UInt64) {
        switch id {
        case .PMSIDR_EL1 where value & hiddenPMSIDR != 0:
            report(.pmsidrHidesUnselectedFeatures, "the guest read PMSIDR_EL1 \(hex64(value)) showing hidden bits \(hex64(value & hiddenPMSIDR))")
        case .PMBIDR_EL1:
            let read = PMBIDR_EL1(rawValue: value)
            if read.MaxBuffSize != guestMaxBuffSize || read.P {
                report(.pmbidrShowsMaxBufferSize, "the guest read PMBIDR_EL1 \(hex64(value)): MaxBuffSize \(read.MaxBuffSize), P \(read.P ? 1 : 0); want \(guestMaxBuffSize), 0")
            }
        default: break
        }
    }
}

extension SPEEvent {
    /// Whether the event is a step of the world switch that must run with host interrupts masked.
    var changesCPUState: Bool {
        switch self {
        case .ownerChanged, .stage2Changed, .hostSessionSaved, .hostSessionRestoring, .guestControlsLoaded,
            .guestControlsSaved, .hardwareWrite, .drained:
            true
        default: false
        }
    }

    /// Whether the event is one of the exit's steps from which the host may see the buffer again
    /// (hardware `S` must be clear by then).
    var handsBufferBack: Bool {
        switch self {
        case .ownerChanged(.el2, _), .hostSessionRestoring, .interruptsMasked(false), .exitEnded: true
        default: false
        }
    }

    /// The event's case name, for messages.
    var kind: String {
        let text = String(describing: self)
        return String(text.prefix { $0 != "(" })
    }
}
