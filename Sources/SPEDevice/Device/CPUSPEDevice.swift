/// The SPE device of one physical CPU: it owns the CPU's ``SPEUnit`` and carries out SPE.md §5's
/// world switch step by step, as synchronous functions with no `await`, so the runtime runs each
/// entry and each exit as one job on the CPU. Stage 2, `MDCR_EL2.E2PB`/`TPMS` and the host's
/// interrupt mask are explicit state, and every step is reported to the CPU's ``SPERuleChecker``.
public struct CPUSPEDevice: Sendable {
    public let cpu: Int
    /// The SPE unit.
    public private(set) var unit: SPEUnit
    /// Whether stage 2 translation is on.
    public private(set) var stage2Enabled = false
    /// `MDCR_EL2.TPMS`.
    public private(set) var trapsSamplingControls = false
    /// Whether host interrupts are masked.
    public private(set) var hostInterruptsMasked = false
    /// The host's SPE session on this CPU, if one runs.
    public private(set) var host: HostPerfSession?
    /// The VCPU whose context the CPU holds.
    public private(set) var loaded: VCPUID?
    /// The VCPU in the guest now.
    public private(set) var inGuest: VCPUID?
    /// The rule checker of this CPU.
    public private(set) var checker: SPERuleChecker
    /// Host `PMBIRQ`s that found nothing to do.
    public private(set) var spuriousInterrupts: UInt64 = 0
    /// The last events checked (at most ``recentCapacity``), oldest first, for violation reports.
    public var recentEvents: [SPEEvent] {
        Array(events[max(0, checked - Self.recentCapacity)..<checked])
    }
    /// The broken behaviour switched on for a mutation run; `nil` in a correct model.
    public let mutation: SPEMutation?

    /// The event log: every step appends its events, `flush` checks those from `checked` on.
    /// The checked events stay where they are, so the last of them are the recent events without
    /// a copy; once the log is `compactionLength` long, all but those are dropped.
    private var events: [SPEEvent] = []
    private var checked = 0
    private var enabledAtEntry = false
    private static let recentCapacity = 32
    private static let compactionLength = 256

    /// A device for `cpu`, its unit seeded with `seed`.
    public init(cpu: Int, identification: SPEIdentification = .modelDefault, seed: UInt64 = 0, mutation: SPEMutation? = nil) {
        self.cpu = cpu
        var unit = SPEUnit(identification: identification, seed: seed ^ UInt64(cpu) &* 0x9E37_79B9)
        unit.mutation = mutation
        self.unit = unit
        self.mutation = mutation
        checker = SPERuleChecker(cpu: cpu)
        events.reserveCapacity(Self.compactionLength)
    }

    // MARK: Load and put

    /// `vcpu_load`: the CPU takes the VCPU's context. Refused before INIT or outside the SPU.
    public mutating func load(_ vcpu: VCPUSPEContext, vm: SPEVM) throws(SPEDeviceError) {
        precondition(loaded == nil, "cpu\(cpu) already holds \(loaded!)")
        try vcpu.spe.checkRunnable(on: cpu, vcpu: vcpu.id, vm: vm)
        loaded = vcpu.id
        checker.expect(hiddenPMSIDR: vm.configuration.hiddenMask, maxBuffSizeField: vcpu.spe.maxBufferSize.field)
    }

    /// `vcpu_put`: the CPU gives the VCPU's context back. The buffer is untouched.
    public mutating func put(_ vcpu: VCPUSPEContext) {
        precondition(loaded == vcpu.id && inGuest == nil, "cpu\(cpu) cannot put \(vcpu.id)")
        loaded = nil
    }

    // MARK: The world switch

    /// Guest entry, SPE.md §5 steps 1–6, with host interrupts masked.
    public mutating func enter(_ vcpu: inout VCPUSPEContext, env: KVMEnvironment) -> EntryOutcome {
        precondition(loaded == vcpu.id && inGuest == nil, "cpu\(cpu) cannot enter \(vcpu.id)")
        let hasSPE = env.vm.hasSPE
        if hasSPE, vcpu.spe.pinPending != nil,
            case .lockedMemoryLimit(let needed)? = vcpu.retryPendingPin(env: env, events: &events)
        {
            flush(&vcpu.audit)
            return .lockedMemoryLimit(needed: needed)
        }
        events.append(.entryBegan(vcpu.snapshot(hasSPE: hasSPE)))
        mask(true)
        pauseHost(now: 0)
        if hasSPE {
            setOwner(.el1Trapped, tpms: mutation == .wrongTrapConfiguration)
            unit.load(vcpu.controls, events: &events)
            events.append(.guestControlsLoaded(vcpu.controls))
            let memory = vcpu.spe.memory
            let enabled = memory.isEnabled && (vcpu.spe.pinned != nil || mutation == .enableChecksSkipped)
            if enabled && mutation != .noPMBPTRWriteOnEntry {
                unit.write(.PMBPTR_EL1, memory.PMBPTR.rawValue, events: &events)
            }
            if mutation == .pmbsrMemoryToHardware {
                unit.write(.PMBSR_EL1, memory.PMBSR.rawValue, events: &events)
            } else if mutation != .noPMBSRZeroOnEntry {
                unit.write(.PMBSR_EL1, 0, events: &events)
            }
            if mutation == .pmbsrMemoryClearedOnEntry && memory.PMBSR.rawValue != 0 {
                vcpu.setMemory(.PMBSR_EL1, 0, cause: .other, events: &events)
            }
            let loadLimit = enabled || (mutation == .limitrWrittenWhenDisabled && memory.PMBLIMITR.E)
            if mutation != .limitrBeforeStage2 { setStage2(true) }
            if loadLimit { unit.write(.PMBLIMITR_EL1, memory.PMBLIMITR.rawValue, events: &events) }
            if mutation == .limitrBeforeStage2 { setStage2(true) }
            enabledAtEntry = enabled
        } else {
            setOwner(.el2, tpms: true)
            setStage2(true)
            enabledAtEntry = false
        }
        inGuest = vcpu.id
        events.append(.guestEntered)
        flush(&vcpu.audit)
        return .entered
    }

    /// The guest runs `count` operations of `program` from `index` at `exceptionLevel`, sampled
    /// into its buffer; stops early right after an operation that raised `PMBIRQ`. Returns how many ran.
    @discardableResult
    public mutating func runGuest(
        _ count: UInt64, of program: some OperationSource, from index: UInt64, at exceptionLevel: UInt8,
        vcpu: inout VCPUSPEContext, now: UInt64
    ) -> UInt64 {
        precondition(inGuest == vcpu.id, "\(vcpu.id) is not in the guest on cpu\(cpu)")
        let ran = unit.execute(count, of: program, from: index, at: exceptionLevel, origin: .guest(vcpu.id),
            contextID: vcpu.contextID, now: now, memory: &vcpu.memory, events: &events)
        flush(&vcpu.audit)
        return ran
    }

    /// A guest access to a register it reaches directly (the sampling controls): the hardware.
    /// Returns the value read, or nil for a write.
    @discardableResult
    public mutating func guestDirectAccess(_ register: SPERegisterID, write value: UInt64?, vcpu: inout VCPUSPEContext) -> UInt64? {
        precondition(inGuest == vcpu.id, "\(vcpu.id) is not in the guest on cpu\(cpu)")
        guard let value else { return unit.read(register) }
        unit.write(register, value, events: &events)
        flush(&vcpu.audit)
        return nil
    }

    /// Guest exit, SPE.md §5 steps 1–7. `now` stamps the record a drain completes.
    public mutating func exit(_ vcpu: inout VCPUSPEContext, env: KVMEnvironment, now: UInt64) {
        precondition(inGuest == vcpu.id, "\(vcpu.id) is not in the guest on cpu\(cpu)")
        events.append(.exitBegan(unit.controls))
        inGuest = nil
        if env.vm.hasSPE {
            if mutation != .noDrainOnExit {
                unit.drain(contextID: vcpu.contextID, now: now, memory: &vcpu.memory, events: &events)
            }
            if mutation == .stage2OffBeforeDisable { setStage2(false) }
            var limit = unit.buffer.PMBLIMITR
            limit.E = false
            unit.write(.PMBLIMITR_EL1, limit.rawValue, events: &events)
            if mutation == .limitrMemoryFromHardware {
                vcpu.setMemory(.PMBLIMITR_EL1, limit.rawValue, cause: .other, events: &events)
            }
            if (enabledAtEntry && mutation != .noPMBPTRReadBack) || mutation == .pmbptrReadBackWhenDisabled {
                vcpu.setMemory(.PMBPTR_EL1, unit.buffer.PMBPTR.rawValue, cause: .readBack, events: &events)
            }
            let hardware = unit.buffer.PMBSR
            if hardware.S {
                vcpu.copyHardwareEvent(hardware, wasEnabled: vcpu.spe.isBufferEnabled, env: env, events: &events)
                if mutation != .noServiceClearOnExit { unit.write(.PMBSR_EL1, 0, events: &events) }
            } else if hardware.rawValue != 0 {
                vcpu.spe.counters.lostSyndromeBits += 1
            }
            if mutation != .stage2OffBeforeDisable { setStage2(false) }
            if mutation == .interruptsUnmaskedEarly { mask(false) }
            if mutation != .ownershipNotReturned { setOwner(.el2, tpms: false) }
            let controls = unit.controls
            if mutation != .guestControlsNotSaved {
                vcpu.controls = controls
                events.append(.guestControlsSaved(controls))
            }
            if env.vm.configuration.hiddenFeatures.contains(where: { feature in
                feature.filterControl.map { controls.PMSFCR[$0] != 0 } ?? false
            }) {
                vcpu.spe.counters.hiddenFeatureInUse += 1
            }
        } else {
            setStage2(false)
            if mutation == .interruptsUnmaskedEarly { mask(false) }
            setOwner(.el2, tpms: false)
        }
        resumeHost()
        if mutation != .interruptsUnmaskedEarly { mask(false) }
        if env.vm.hasSPE { vcpu.updateVirtualLine(env: env, events: &events, exiting: true) }
        events.append(.exitEnded(vcpu.snapshot(hasSPE: env.vm.hasSPE)))
        flush(&vcpu.audit)
    }

    // MARK: Trapped accesses

    /// KVM handles a trapped access of the loaded VCPU (after its exit): `write` is the value
    /// written, nil for a read.
    public mutating func handleTrap(
        _ register: SPERegisterID, write value: UInt64?, vcpu: inout VCPUSPEContext, env: KVMEnvironment
    ) -> TrapOutcome {
        precondition(loaded == vcpu.id && inGuest == nil, "cpu\(cpu) does not hold \(vcpu.id) outside the guest")
        guard AccessRoute.of(register, vmHasSPE: env.vm.hasSPE) == .trapped else { return .undefined }
        let outcome = TrapTable.forVM(hasSPE: env.vm.hasSPE).handle(
            register.encoding, write: value, context: &vcpu, env: env, events: &events)
        flush(&vcpu.audit)
        return outcome
    }

    /// The guest's driver reads its records from `[start, end)` of its buffer; the shadow log says
    /// whether every byte is the VCPU's own.
    public mutating func consumeGuestBuffer(
        _ vcpu: inout VCPUSPEContext, from start: UInt64, to end: UInt64
    ) -> Result<[DecodedRecord], SPEDeviceError> {
        let range = start..<max(start, end)
        consumed(range, of: vcpu.memory.shadow, owner: .guest(vcpu.id))
        flush(&vcpu.audit)
        let bytes = vcpu.memory.read(range)
        return Result { () throws(SPEDeviceError) in
            try RecordDecoder.decode(bytes, maxSize: unit.maxRecordSize, allowTruncatedTail: true)
        }
    }

    // MARK: The host

    /// Starts the host's own SPE session on this CPU (host-perf on).
    public mutating func startHostSession(_ session: HostPerfSession) {
        precondition(inGuest == nil, "the host session starts from the host")
        var session = session
        unit.setOwner(.el2)
        unit.load(session.controls, events: &events)
        unit.load(session.freshBuffer, events: &events)
        unit.write(.PMSCR_EL2, session.enables.rawValue, events: &events)
        session.isPaused = false
        host = session
        flushHost()
    }

    /// Stops the host's session (host-perf off) and returns it.
    @discardableResult
    public mutating func stopHostSession() -> HostPerfSession? {
        precondition(inGuest == nil, "the host session stops from the host")
        guard var session = host else { return nil }
        unit.write(.PMSCR_EL2, 0, events: &events)
        // The sample in flight completes in the host's own buffer before the session lets go of it.
        unit.drain(contextID: session.contextID, now: 0, memory: &session.memory, events: &events)
        var limit = unit.buffer.PMBLIMITR
        limit.E = false
        unit.write(.PMBLIMITR_EL1, limit.rawValue, events: &events)
        unit.write(.PMBSR_EL1, 0, events: &events)
        host = nil
        flushHost()
        return session
    }

    /// The host runs `count` operations of its own work (between guest runs), sampled by its
    /// session. The host runs them with interrupts masked: a `PMBIRQ` raised meanwhile waits.
    public mutating func runHost(_ count: UInt64, now: UInt64) {
        precondition(inGuest == nil, "the host does not run while a guest is in")
        // Checked in place first: most runs have no host session, and copying one out costs.
        guard host?.isPaused == false, var session = host else { return }
        var done: UInt64 = 0
        while done < count {
            done += unit.execute(count - done, of: session.program, from: session.operationIndex &+ done, at: 2,
                origin: .host(cpu: cpu), contextID: session.contextID, now: now &+ done, memory: &session.memory,
                events: &events)
        }
        session.operationIndex &+= count
        host = session
        flushHost()
    }

    /// The host takes `PMBIRQ`: its driver consumes the records and restarts the buffer, or finds
    /// nothing to do (the exit path already cleared the source) and it counts as spurious.
    public mutating func serviceHostInterrupt() -> HostServiceOutcome {
        precondition(inGuest == nil, "host interrupts are taken outside the guest")
        guard var session = host, !session.isPaused, unit.owner == .el2, unit.buffer.PMBSR.S else {
            spuriousInterrupts += 1
            return .spurious
        }
        var limit = unit.buffer.PMBLIMITR
        limit.E = false
        unit.write(.PMBLIMITR_EL1, limit.rawValue, events: &events)
        let range = session.base..<min(session.limit, max(session.base, unit.buffer.PMBPTR.PTR))
        consumed(range, of: session.memory.shadow, owner: .host(cpu: cpu))
        var records = 0
        do {
            let decoded = try RecordDecoder.decode(session.memory.read(range), maxSize: unit.maxRecordSize, allowTruncatedTail: true)
            records = decoded.count
            session.truncatedRecords += UInt64(decoded.filter(\.truncated).count)
        } catch {
            session.decodeErrors += 1
        }
        session.recordsConsumed += UInt64(records)
        session.interruptsHandled += 1
        unit.load(session.freshBuffer, events: &events)
        host = session
        flushHost()
        return .handled(records: records)
    }

    // MARK: Steps

    private mutating func pauseHost(now: UInt64) {
        guard host?.isPaused == false, var session = host else { return }
        if mutation != .hostNotPaused {
            var stopped = session.enables
            stopped.E2SPE = false
            stopped.E0HSPE = false
            unit.write(.PMSCR_EL2, stopped.rawValue, events: &events)
        }
        unit.drain(contextID: session.contextID, now: now, memory: &session.memory, events: &events)
        var saved = unit.buffer
        if mutation == .hostSyndromeDropped { saved.PMBSR = PMBSR_EL1(rawValue: 0) }
        session.saved = saved
        session.controls = unit.controls
        events.append(.hostSessionSaved(saved, unit.controls))
        var limit = unit.buffer.PMBLIMITR
        limit.E = false
        unit.write(.PMBLIMITR_EL1, limit.rawValue, events: &events)
        session.isPaused = true
        host = session
    }

    private mutating func resumeHost() {
        guard host?.isPaused == true, var session = host, let saved = session.saved else { return }
        events.append(.hostSessionRestoring(saved, session.controls))
        unit.load(session.controls, events: &events)
        unit.load(saved, events: &events)
        unit.write(.PMSCR_EL2, session.enables.rawValue, events: &events)
        events.append(.hostSessionRestored)
        session.isPaused = false
        session.saved = nil
        host = session
    }

    /// A driver of `owner` reads `range` of its buffer: the read, then each run of bytes in it that
    /// another context wrote, as the shadow log knows them.
    private mutating func consumed(_ range: Range<UInt64>, of shadow: ShadowLog, owner: ProfilingContext) {
        events.append(.bufferConsumed(owner: owner, range: range))
        for run in shadow.foreignRuns(in: range, owner: owner) {
            events.append(.foreignBytesConsumed(owner: owner, range: range, run: run))
        }
    }

    private mutating func setOwner(_ owner: BufferOwner, tpms: Bool) {
        unit.setOwner(owner)
        trapsSamplingControls = tpms
        events.append(.ownerChanged(owner, tpms: tpms))
    }

    private mutating func setStage2(_ on: Bool) {
        stage2Enabled = on
        events.append(.stage2Changed(on: on))
    }

    private mutating func mask(_ on: Bool) {
        hostInterruptsMasked = on
        events.append(.interruptsMasked(on))
    }

    /// Hands the events not yet checked to the checker, with the VCPU's audit. The log is moved out
    /// of `self` while the checker reads it in place, and back (so its storage is never copied).
    private mutating func flush(_ audit: inout VCPUAudit) {
        var log: [SPEEvent] = []
        swap(&log, &events)
        log.withUnsafeBufferPointer { log in
            for index in checked..<log.count { checker.observe(log[index], audit: &audit) }
        }
        checked = log.count
        if checked >= Self.compactionLength {
            log.removeFirst(checked - Self.recentCapacity)
            checked = Self.recentCapacity
        }
        swap(&log, &events)
    }

    private mutating func flushHost() {
        var none = VCPUAudit()
        flush(&none)
    }
}
