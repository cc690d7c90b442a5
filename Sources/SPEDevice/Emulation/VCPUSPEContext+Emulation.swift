/// KVM's emulation of the trapped SPE registers for one VCPU: in-memory updates, injected
/// management events, the enable edge with its checks and pinning, and the virtual line.
extension VCPUSPEContext {
    /// Sets an in-memory register and reports why.
    mutating func setMemory(_ id: SPERegisterID, _ raw: UInt64, cause: MemoryCause, events: inout [SPEEvent]) {
        let old: UInt64
        switch id {
        case .PMBLIMITR_EL1:
            old = spe.memory.PMBLIMITR.rawValue
            spe.memory.PMBLIMITR = .init(masking: raw)
        case .PMBPTR_EL1:
            old = spe.memory.PMBPTR.rawValue
            spe.memory.PMBPTR = .init(masking: raw)
        case .PMBSR_EL1:
            old = spe.memory.PMBSR.rawValue
            spe.memory.PMBSR = .init(masking: raw)
        default:
            preconditionFailure("\(id) has no in-memory copy")
        }
        events.append(.memoryChanged(id, old: old, new: memoryValue(id), cause: cause))
    }

    func memoryValue(_ id: SPERegisterID) -> UInt64 {
        switch id {
        case .PMBLIMITR_EL1: spe.memory.PMBLIMITR.rawValue
        case .PMBPTR_EL1: spe.memory.PMBPTR.rawValue
        case .PMBSR_EL1: spe.memory.PMBSR.rawValue
        default: 0
        }
    }

    /// `OtherSPEManagementEvent(bsc)` on the in-memory `PMBSR_EL1`: only if `S == 0` (the first
    /// syndrome wins); `DL`, `EA`, `COLL` keep their values.
    mutating func injectOtherEvent(_ code: BufferStatusCode, env: KVMEnvironment, events: inout [SPEEvent]) {
        var sr = spe.memory.PMBSR
        guard !sr.S || env.mutation == .syndromeOverwritten else { return }
        sr.S = true
        sr.EC = .other
        sr.MSS = UInt64(code.rawValue)
        sr.MSS2 = 0
        injectSyndrome(sr, env: env, events: &events)
    }

    /// Sets an injected syndrome (the enable-edge refusals), counting the management event.
    private mutating func injectSyndrome(_ sr: PMBSR_EL1, env: KVMEnvironment, events: inout [SPEEvent]) {
        guard !spe.memory.PMBSR.S || env.mutation == .syndromeOverwritten else { return }
        setMemory(.PMBSR_EL1, sr.rawValue, cause: .misprogrammed, events: &events)
        spe.counters.managementEvents += 1
    }

    /// The in-memory state changed: act on an edge of `kvm_spe_profiling_buffer_enabled()`, then
    /// let the virtual line follow `S`. Returns an exit to the VMM when pinning needs more locked
    /// memory than the VM may have.
    mutating func reevaluate(
        wasEnabled: Bool, enabledNow: Bool? = nil, env: KVMEnvironment, events: inout [SPEEvent]
    ) -> TrapOutcome? {
        let isEnabled = enabledNow ?? spe.isBufferEnabled
        var outcome: TrapOutcome?
        if !wasEnabled && isEnabled {
            outcome = enableEdge(env: env, events: &events)
        } else if wasEnabled && !isEnabled {
            disableEdge(env: env, events: &events)
        }
        updateVirtualLine(env: env, events: &events)
        return outcome
    }

    /// The rising edge: SPE.md §5's checks in order, the first failure wins; then pin.
    private mutating func enableEdge(env: KVMEnvironment, events: inout [SPEEvent]) -> TrapOutcome? {
        let ptr = spe.memory.PMBPTR.PTR
        let limit = spe.memory.limitAddress
        spe.bufferBase = ptr
        spe.hasBufferBase = true
        if env.mutation != .enableChecksSkipped {
            if let refusal = enableRefusal(ptr: ptr, limit: limit) {
                refuse(refusal, ptr: ptr, env: env, events: &events)
                return nil
            }
        }
        let pages = AddressSpace.pageAligned(ptr..<max(ptr, limit))
        guard !pages.isEmpty else { return nil }
        return pin(pages, env: env, events: &events)
    }

    /// The first enable check that fails, if any.
    func enableRefusal(ptr: UInt64, limit: UInt64) -> EnableRefusal? {
        let alignment = UInt64(1) << UInt64(VCPUSPEContext.alignmentLog2)
        let sameHalf = (ptr >> 55) & 1 == ((limit &- 1) >> 55) & 1
        if ptr % alignment != 0 || ptr >= limit || !sameHalf { return .misprogrammed }
        if spe.maxBufferSize.bytes != 0 && limit - ptr > spe.maxBufferSize.bytes { return .tooLarge }
        if memory.stage1.firstMissing(in: ptr..<limit) != nil { return .stage1Unmapped }
        if memory.stage2.firstMissing(in: ptr..<limit) != nil { return .stage2Unmapped }
        return nil
    }

    /// **Model decision:** records are aligned to `2^PMBIDR_EL1.Align` = 64 bytes.
    static let alignmentLog2 = Int(SPEIdentification.modelDefault.PMBIDR.Align)

    mutating func refuse(_ refusal: EnableRefusal, ptr: UInt64, env: KVMEnvironment, events: inout [SPEEvent]) {
        spe.counters.enableRefusals[refusal, default: 0] += 1
        switch refusal {
        case .misprogrammed:
            injectOtherEvent(.bufferFilled, env: env, events: &events)
        case .tooLarge:
            injectOtherEvent(.bufferTooLarge, env: env, events: &events)
        case .stage1Unmapped:
            let limit = spe.memory.limitAddress
            let fault = memory.stage1.firstMissing(in: ptr..<limit) ?? ptr
            var sr = spe.memory.PMBSR
            sr.S = true
            sr.EC = .stage1DataAbort
            sr.MSS = UInt64(FaultStatusCode.translationFault.rawValue)
            sr.MSS2 = 0
            sr.DL = false
            setMemory(.PMBPTR_EL1, fault, cause: .misprogrammed, events: &events)
            injectSyndrome(sr, env: env, events: &events)
        case .stage2Unmapped:
            injectSyndrome(Self.externalAbort(from: spe.memory.PMBSR, partialRecordLost: false), env: env, events: &events)
        }
    }

    /// An external abort event: `S = 1`, `EA = 1`, `EC` = stage-1 data abort, `FSC` = synchronous
    /// external abort (what a stage-2 fault becomes for the guest).
    static func externalAbort(from sr: PMBSR_EL1, partialRecordLost: Bool) -> PMBSR_EL1 {
        var sr = sr
        sr.S = true
        sr.EA = true
        sr.EC = .stage1DataAbort
        sr.MSS = UInt64(FaultStatusCode.synchronousExternalAbort.rawValue)
        sr.MSS2 = 0
        sr.DL = partialRecordLost
        return sr
    }

    private mutating func pin(_ pages: Range<UInt64>, env: KVMEnvironment, events: inout [SPEEvent]) -> TrapOutcome? {
        let bytes = pages.upperBound - pages.lowerBound
        guard env.vm.lockedMemory.tryCharge(bytes) else {
            spe.pinPending = pages
            spe.counters.lockedMemoryExits += 1
            return .lockedMemoryLimit(needed: bytes)
        }
        spe.pinPending = nil
        spe.pinned = pages
        spe.counters.pins += 1
        spe.counters.bytesPinned += bytes
        spe.counters.pinNanoseconds += bytes / AddressSpace.pageSize * KVMEnvironment.pinNanosecondsPerPage
        events.append(.pinned(pages))
        return nil
    }

    /// Retries a pin that the locked-memory limit refused (the VMM raised the limit and re-ran).
    public mutating func retryPendingPin(env: KVMEnvironment, events: inout [SPEEvent]) -> TrapOutcome? {
        guard let pages = spe.pinPending, spe.isBufferEnabled else { return nil }
        return pin(pages, env: env, events: &events)
    }

    /// The falling edge: unpin and refund the locked memory.
    private mutating func disableEdge(env: KVMEnvironment, events: inout [SPEEvent]) {
        spe.pinPending = nil
        guard let pages = spe.pinned, env.mutation != .noUnpinOnDisable else { return }
        let bytes = pages.upperBound - pages.lowerBound
        env.vm.lockedMemory.refund(bytes)
        spe.pinned = nil
        spe.counters.unpins += 1
        spe.counters.pinNanoseconds += bytes / AddressSpace.pageSize * KVMEnvironment.unpinNanosecondsPerPage
        events.append(.unpinned(pages))
    }

    /// The virtual SPE line follows in-memory `S`, changed only when the level changes.
    mutating func updateVirtualLine(env: KVMEnvironment, events: inout [SPEEvent], exiting: Bool = false) {
        let level = spe.memory.PMBSR.S
        let reassert = exiting && env.mutation == .virqReassertedEveryExit
        guard level != spe.virtualLine || reassert else { return }
        if !level && env.mutation == .virqNotLowered { return }
        if level != spe.virtualLine { spe.counters.virtualLineChanges += 1 }
        spe.virtualLine = level
        events.append(.virtualLineSet(level))
    }

    /// Exit step 4 for KVM: copy a hardware syndrome into memory (a stage-2 abort becomes an
    /// external abort), then act on the edge and the line.
    mutating func copyHardwareEvent(_ hardware: PMBSR_EL1, wasEnabled: Bool, env: KVMEnvironment, events: inout [SPEEvent]) {
        var sr = hardware
        if sr.EC == .stage2DataAbort {
            spe.counters.stage2Warnings += 1
            if env.mutation != .stage2SyndromeToGuest { sr = Self.externalAbort(from: sr, partialRecordLost: sr.DL) }
        }
        setMemory(.PMBSR_EL1, sr.rawValue, cause: .hardwareEvent, events: &events)
        spe.counters.managementEvents += 1
        _ = reevaluate(wasEnabled: wasEnabled, env: env, events: &events)
    }
}

/// What a trapped access came to.
public enum TrapOutcome: Hashable, Sendable {
    /// A read returned this value to the guest.
    case read(UInt64)
    /// A write was taken.
    case written
    /// The access is UNDEFINED for this guest: KVM injects an undefined-instruction exception.
    case undefined
    /// Pinning the buffer would pass the VM's locked-memory limit: the VCPU exits to the VMM.
    case lockedMemoryLimit(needed: UInt64)
}
