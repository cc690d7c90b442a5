/// One physical CPU's SPE unit: the hardware registers, the sampling counter, the sample in flight
/// and the `PMBIRQ` line, with SPE.md §3's semantics.
///
/// The unit writes records through whatever ``AddressSpace`` its owner's translation is, passed in
/// by the caller; every change it makes is reported as an ``SPEEvent`` appended to `events`.
public struct SPEUnit: Sendable {
    /// The hardware's `PMSIDR_EL1`.
    public let PMSIDR: PMSIDR_EL1
    /// The hardware's `PMBIDR_EL1` as EL2 reads it (`P` is computed from the owner).
    public let PMBIDR: PMBIDR_EL1
    /// Virtual nanoseconds per operation, for record timestamps.
    public let nanosecondsPerOperation: UInt64

    /// The sampling controls in hardware (the current owner's).
    public private(set) var controls = SamplingControls()
    /// `PMSCR_EL2`: the host's enables.
    public private(set) var PMSCR_EL2 = SPEDevice.PMSCR_EL2(rawValue: 0)
    /// The buffer registers in hardware.
    public private(set) var buffer = BufferRegisters()
    /// `MDCR_EL2.E2PB`: who owns the buffer.
    public private(set) var owner = BufferOwner.el2
    /// The `PMBIRQ` line.
    public private(set) var pmbirq = false
    /// The sample whose record is not complete yet.
    public private(set) var inFlight: InFlightSample?
    /// Counts of what the unit did.
    public private(set) var counters = SPEUnitCounters()

    /// ``counters`` with the sample in flight counted (``SPEUnitCounters/inFlight``): what a run
    /// reports when it reads a unit that may still be sampling.
    public var countersNow: SPEUnitCounters {
        var now = counters
        now.inFlight = inFlight == nil ? 0 : 1
        return now
    }
    /// The broken behaviour switched on for a mutation run; `nil` in a correct model.
    public var mutation: SPEMutation?

    private var random: SplitMix64

    /// A sample taken but whose record is not complete yet.
    public struct InFlightSample: Hashable, Sendable {
        public var record: SPERecord
        public var origin: ProfilingContext
        /// Operations still to retire before it completes.
        public var remaining: UInt64
    }

    /// A unit with the model's identification (SPE.md §2) and a seeded generator for `RND`.
    public init(
        identification: SPEIdentification = .modelDefault, seed: UInt64 = 0, nanosecondsPerOperation: UInt64 = 1
    ) {
        PMSIDR = identification.PMSIDR
        PMBIDR = identification.PMBIDR
        self.nanosecondsPerOperation = nanosecondsPerOperation
        random = SplitMix64(seed: seed)
    }

    /// The largest record, `2^PMSIDR_EL1.MaxSize` bytes.
    public var maxRecordSize: Int { 1 << Int(PMSIDR.MaxSize) }
    /// The record alignment, `2^PMBIDR_EL1.Align` bytes.
    public var alignment: Int { 1 << Int(PMBIDR.Align) }

    // MARK: Register access by software

    /// The value software reads from `id` in hardware.
    public func read(_ id: SPERegisterID) -> UInt64 {
        switch id {
        case .PMBLIMITR_EL1: buffer.PMBLIMITR.rawValue
        case .PMBPTR_EL1: buffer.PMBPTR.rawValue
        case .PMBSR_EL1: buffer.PMBSR.rawValue
        case .PMSIDR_EL1: PMSIDR.rawValue
        case .PMBIDR_EL1: PMBIDR.rawValue
        case .PMSCR_EL2: PMSCR_EL2.rawValue
        case .MDCR_EL2: SPEDevice.MDCR_EL2(rawValue: 0).with(E2PB: owner).rawValue
        case .ID_AA64DFR0_EL1: ID_AA64DFR0_EL1(rawValue: 0).with(PMSVer: .v1p2).rawValue
        default: controls[id] ?? 0
        }
    }

    /// Software writes `value` to `id` in hardware (RES0 bits cleared; read-only registers ignore it).
    public mutating func write(_ id: SPERegisterID, _ value: UInt64, events: inout [SPEEvent]) {
        switch id {
        case .PMBLIMITR_EL1: buffer.PMBLIMITR = .init(masking: value)
        case .PMBPTR_EL1: buffer.PMBPTR = .init(masking: value)
        case .PMBSR_EL1: buffer.PMBSR = .init(masking: value)
        case .PMSCR_EL2: PMSCR_EL2 = .init(masking: value)
        case .PMSIDR_EL1, .PMBIDR_EL1, .ID_AA64DFR0_EL1, .MDCR_EL2: return
        default: controls.set(id, value)
        }
        events.append(.hardwareWrite(id, read(id)))
        if id == .PMBSR_EL1 { updateLine(events: &events) }
    }

    /// Loads a whole set of sampling controls (the owner changes).
    public mutating func load(_ controls: SamplingControls, events: inout [SPEEvent]) {
        for id in SPERegisterID.allCases where id.isSamplingControl {
            write(id, controls[id] ?? 0, events: &events)
        }
    }

    /// Loads the three buffer registers, `PMBLIMITR_EL1` (with `E`) last, so the buffer is never
    /// enabled with another owner's pointer or syndrome.
    public mutating func load(_ registers: BufferRegisters, events: inout [SPEEvent]) {
        write(.PMBPTR_EL1, registers.PMBPTR.rawValue, events: &events)
        write(.PMBSR_EL1, registers.PMBSR.rawValue, events: &events)
        write(.PMBLIMITR_EL1, registers.PMBLIMITR.rawValue, events: &events)
    }

    /// `MDCR_EL2.E2PB`, as the CPU sets it.
    public mutating func setOwner(_ newOwner: BufferOwner) { owner = newOwner }

    // MARK: Sampling

    /// Whether an operation at `exceptionLevel` is profiled now: the buffer's owner is that
    /// operation's translation regime, the owner's enable for that level is set, `E == 1` and
    /// `S == 0`. **Model decision:** guest operations (EL0/EL1) are profiled only while EL1 owns the
    /// buffer and host operations (EL2) only while EL2 owns it.
    public func isProfiling(at exceptionLevel: UInt8) -> Bool {
        guard buffer.PMBLIMITR.E, !buffer.PMBSR.S || mutation == .samplingWhileStopped else { return false }
        switch exceptionLevel {
        case 0: return owner != .el2 && controls.PMSCR.E0SPE
        case 1: return owner != .el2 && controls.PMSCR.E1SPE
        case 2: return owner == .el2 && PMSCR_EL2.E2SPE
        default: return false
        }
    }

    /// Executes `count` operations of `program` from `index` at `exceptionLevel` for `origin`,
    /// sampling them and writing records into `memory`. Stops early, right after the operation
    /// whose record raised `S` (the `PMBIRQ` then cuts the period short); returns how many ran.
    @discardableResult
    public mutating func execute(
        _ count: UInt64, of program: some OperationSource, from index: UInt64, at exceptionLevel: UInt8,
        origin: ProfilingContext, contextID: UInt32, now: UInt64, memory: inout AddressSpace,
        events: inout [SPEEvent]
    ) -> UInt64 {
        var done: UInt64 = 0
        while done < count {
            guard isProfiling(at: exceptionLevel) else {
                // Operations still retire: a sample in flight completes (it will be dropped).
                if var flight = inFlight {
                    let step = min(flight.remaining, count - done)
                    done += step
                    flight.remaining -= step
                    inFlight = flight
                    if flight.remaining == 0 {
                        complete(contextID: contextID, now: now &+ done &* nanosecondsPerOperation, memory: &memory, events: &events)
                    }
                    continue
                }
                return count
            }
            if controls.PMSICR.COUNT == 0 {
                reloadCounter()
                done += 1
                if retire(1, contextID: contextID, now: now &+ done &* nanosecondsPerOperation, memory: &memory, events: &events) {
                    return done
                }
                continue
            }
            let step = min(count - done, controls.PMSICR.COUNT, inFlight?.remaining ?? .max)
            done += step
            controls.PMSICR.COUNT -= step
            let stamp = now &+ done &* nanosecondsPerOperation
            var raised = retire(step, contextID: contextID, now: stamp, memory: &memory, events: &events)
            if controls.PMSICR.COUNT == 0 && isProfiling(at: exceptionLevel) {
                let operation = program.operation(at: index &+ done &- 1)
                raised = select(operation, origin: origin, contextID: contextID, now: stamp, memory: &memory, events: &events)
                    || raised
            }
            if raised { return done }
        }
        return done
    }

    /// Drain (`PSB CSYNC; DSB`): the sample in flight completes now, written or dropped.
    /// A management event the completion raises (the "late event" window of an exit) is counted in
    /// ``SPEUnitCounters/managementEventsInDrain``.
    public mutating func drain(contextID: UInt32, now: UInt64, memory: inout AddressSpace, events: inout [SPEEvent]) {
        if inFlight != nil {
            let before = buffer.PMBSR.S
            complete(contextID: contextID, now: now, memory: &memory, events: &events)
            if !before && buffer.PMBSR.S { counters.managementEventsInDrain += 1 }
        }
        events.append(.drained)
    }

    private mutating func reloadCounter() {
        let low: UInt64 = controls.PMSIRR.RND ? random.next() & 0xFF : 0
        controls.PMSICR.COUNT = controls.PMSIRR.INTERVAL << 8 | low
    }

    /// `step` operations retire; the in-flight sample completes when its last one does. True if that
    /// raised `S`.
    private mutating func retire(
        _ step: UInt64, contextID: UInt32, now: UInt64, memory: inout AddressSpace, events: inout [SPEEvent]
    ) -> Bool {
        guard var flight = inFlight else { return false }
        flight.remaining -= min(step, flight.remaining)
        inFlight = flight
        guard flight.remaining == 0 else { return false }
        let before = buffer.PMBSR.S
        complete(contextID: contextID, now: now, memory: &memory, events: &events)
        return !before && buffer.PMBSR.S
    }

    /// The counter reached zero on `operation`: take a sample, or collide with the one in flight.
    private mutating func select(
        _ operation: SampleableOperation, origin: ProfilingContext, contextID: UInt32, now: UInt64,
        memory: inout AddressSpace, events: inout [SPEEvent]
    ) -> Bool {
        counters.sampled += 1
        events.append(.sampled(origin))
        if inFlight != nil {
            buffer.PMBSR.COLL = true
            drop(.collision, origin: origin, events: &events)
            return false
        }
        inFlight = InFlightSample(
            record: record(of: operation), origin: origin, remaining: UInt64(operation.inFlightOperations))
        guard operation.inFlightOperations == 0 else { return false }
        let before = buffer.PMBSR.S
        complete(contextID: contextID, now: now, memory: &memory, events: &events)
        return !before && buffer.PMBSR.S
    }

    private func record(of operation: SampleableOperation) -> SPERecord {
        var record = SPERecord()
        record.pc = operation.pc
        record.exceptionLevel = operation.exceptionLevel
        record.nonSecure = true
        record.operation = operation.type
        record.events = operation.events
        record.totalLatency = operation.latency
        record.dataVirtualAddress = operation.dataAddress
        record.branchTarget = operation.branchTarget
        return record
    }

    private mutating func drop(_ reason: DropReason, origin: ProfilingContext, events: inout [SPEEvent]) {
        if reason == .filtered && mutation == .dropNotCounted { return }
        counters.dropped[reason, default: 0] += 1
        events.append(.sampleDropped(reason, origin))
    }

    /// The record of the in-flight sample is complete: filter it, then write it or drop it.
    private mutating func complete(
        contextID: UInt32, now: UInt64, memory: inout AddressSpace, events: inout [SPEEvent]
    ) {
        guard let flight = inFlight else { return }
        inFlight = nil
        var record = flight.record
        if !passesFilters(record) { return drop(.filtered, origin: flight.origin, events: &events) }
        let stopped = !buffer.PMBLIMITR.E || buffer.PMBSR.S
        if stopped && mutation != .samplingWhileStopped {
            return drop(.stopped, origin: flight.origin, events: &events)
        }
        if buffer.PMBLIMITR.FM == .discard && mutation != .discardModeWrites {
            return drop(.discarded, origin: flight.origin, events: &events)
        }
        let ownerIsHost = owner == .el2
        if ownerIsHost ? PMSCR_EL2.CX : controls.PMSCR.CX {
            record.context = ownerIsHost ? .el2(contextID) : .el1(contextID)
        }
        if ownerIsHost ? PMSCR_EL2.TS : controls.PMSCR.TS { record.timestamp = now }
        let bytes = RecordEncoder.encode(record, alignment: alignment, maxSize: maxRecordSize)
        let start = buffer.PMBPTR.PTR
        let result = memory.write(bytes, at: start, by: flight.origin)
        if let fault = result.fault {
            if result.written > 0 {
                events.append(.recordWritten(origin: flight.origin, into: memory.owner,
                    range: start..<(start + UInt64(result.written)), limit: buffer.limitAddress, complete: false))
            }
            drop(.fault, origin: flight.origin, events: &events)
            abort(fault, partial: result.written > 0, events: &events)
            return
        }
        let end = start + UInt64(bytes.count)
        buffer.PMBPTR.PTR = end
        counters.written += 1
        counters.bytesWritten += UInt64(bytes.count)
        events.append(.recordWritten(origin: flight.origin, into: memory.owner, range: start..<end,
            limit: buffer.limitAddress, complete: true))
        let threshold = buffer.limitAddress &- UInt64(maxRecordSize)
        if end > threshold && mutation != .noBufferFullEvent {
            otherManagementEvent(.bufferFilled, events: &events)
            buffer.PMBSR.DL = false
        }
    }

    /// Whether `record` survives the filters of `PMSFCR_EL1`. **Model decision:** a load/store's
    /// subclass bit 0 tells a store (1) from a load (0).
    public func passesFilters(_ record: SPERecord) -> Bool {
        let fcr = controls.PMSFCR
        if fcr.FE {
            let required = controls.PMSEVFR.rawValue
            if record.events.rawValue & required != required { return false }
        }
        if fcr.FnE, record.events.rawValue & controls.PMSNEVFR.rawValue != 0 { return false }
        if fcr.FL, UInt64(record.totalLatency) < controls.PMSLATFR.MINLAT { return false }
        if fcr.FT, fcr.B || fcr.LD || fcr.ST {
            let type = record.operation
            let isStore = type.subclass & 1 == 1
            let kept =
                (type.operationClass == .branch && fcr.B)
                || (type.operationClass == .loadStore && (isStore ? fcr.ST : fcr.LD))
            if !kept { return false }
        }
        return true
    }

    /// `OtherSPEManagementEvent(bsc)`: only if `S == 0`; the first syndrome wins.
    public mutating func otherManagementEvent(_ code: BufferStatusCode, events: inout [SPEEvent]) {
        guard !buffer.PMBSR.S else { return }
        buffer.PMBSR.S = true
        buffer.PMBSR.EC = .other
        buffer.PMBSR.MSS = UInt64(code.rawValue)
        buffer.PMBSR.MSS2 = 0
        raised(events: &events)
    }

    /// A write through the translation faulted: stop profiling with a data abort syndrome.
    private mutating func abort(_ fault: TranslationFault, partial: Bool, events: inout [SPEEvent]) {
        guard !buffer.PMBSR.S else { return }
        buffer.PMBSR.S = true
        buffer.PMBSR.EC = fault.stage == .stage1 ? .stage1DataAbort : .stage2DataAbort
        buffer.PMBSR.MSS = UInt64(FaultStatusCode.translationFault.rawValue)
        buffer.PMBSR.MSS2 = 0
        buffer.PMBSR.DL = partial
        buffer.PMBPTR.PTR = fault.address
        raised(events: &events)
    }

    private mutating func raised(events: inout [SPEEvent]) {
        counters.managementEvents += 1
        events.append(.managementEvent(buffer.PMBSR, pointer: buffer.PMBPTR.PTR))
        updateLine(events: &events)
    }

    /// `PMBIRQ` follows hardware `S`.
    private mutating func updateLine(events: inout [SPEEvent]) {
        let level = buffer.PMBSR.S
        guard level != pmbirq else { return }
        if !level && mutation == .pmbirqNotLowered { return }
        pmbirq = level
        events.append(.pmbirqChanged(level))
    }
}

/// What an SPE unit counted.
public struct SPEUnitCounters: Hashable, Sendable {
    public init() {}

    /// Samples selected (the counter reached zero while profiling).
    public var sampled: UInt64 = 0
    /// Complete records written.
    public var written: UInt64 = 0
    /// Samples dropped, by reason.
    public var dropped: [DropReason: UInt64] = [:]
    /// Bytes of complete records written.
    public var bytesWritten: UInt64 = 0
    /// Hardware management events (hardware `S` set).
    public var managementEvents: UInt64 = 0
    /// Of those, raised while a drain completed the sample in flight (the late-event window).
    public var managementEventsInDrain: UInt64 = 0

    /// Samples taken whose record was not complete when the counters were read (at most one per
    /// unit): with them, `sampled == written + droppedTotal + inFlight` at any time. The unit keeps
    /// its sample in flight itself (``SPEUnit/inFlight``); ``SPEUnit/countersNow`` fills this in.
    public var inFlight: UInt64 = 0

    /// All dropped samples.
    public var droppedTotal: UInt64 { dropped.values.reduce(0, +) }

    /// Adds `other`'s counts (totals over several units).
    public mutating func add(_ other: SPEUnitCounters) {
        sampled += other.sampled
        written += other.written
        bytesWritten += other.bytesWritten
        managementEvents += other.managementEvents
        managementEventsInDrain += other.managementEventsInDrain
        inFlight += other.inFlight
        for (reason, n) in other.dropped { dropped[reason, default: 0] += n }
    }
}
