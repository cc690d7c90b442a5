import Testing
@testable import SPEDevice

/// A program whose every operation the test chooses.
struct TestProgram: OperationSource {
    let build: @Sendable (UInt64) -> SampleableOperation
    func operation(at index: UInt64) -> SampleableOperation { build(index) }

    static let codeBase: UInt64 = 0x1000

    /// Every operation the same "other" operation at `pc = codeBase + 4 × index`.
    static func uniform(exceptionLevel: UInt8 = 0, inFlight: UInt32 = 0) -> TestProgram {
        TestProgram { i in
            SampleableOperation(pc: codeBase + i * 4, exceptionLevel: exceptionLevel, type: OperationType(.other),
                events: [.retired], latency: 10, inFlightOperations: inFlight)
        }
    }

    static func index(ofPC pc: UInt64) -> UInt64 { (pc - codeBase) / 4 }
}

/// One SPE unit with a guest buffer in a guest address space.
struct UnitRig {
    static let vcpu = VCPUID(vm: 0, index: 0)
    static let origin = ProfilingContext.guest(vcpu)
    static let base: UInt64 = 0x10_0000
    static let contextID: UInt32 = 0x77
    static let now: UInt64 = 1000

    var unit: SPEUnit
    var memory = AddressSpace(owner: UnitRig.origin)
    var events: [SPEEvent] = []
    var limit: UInt64

    /// Owner EL1 (trapped), `E0SPE`/`E1SPE` on, `INTERVAL` = `interval` (× 256 operations), buffer
    /// `[ptr ?? base, base + size)` mapped and enabled.
    init(seed: UInt64 = 0, size: UInt64 = 0x10000, ptr: UInt64? = nil, interval: UInt64 = 1, map: Bool = true,
        scr: (inout PMSCR_EL1) -> Void = { _ in }) {
        unit = SPEUnit(seed: seed)
        limit = Self.base + size
        if map { memory.map(Self.base..<limit) }
        unit.setOwner(.el1Trapped)
        var pmscr = PMSCR_EL1(rawValue: 0)
        pmscr.E0SPE = true
        pmscr.E1SPE = true
        scr(&pmscr)
        write(.PMSCR_EL1, pmscr.rawValue)
        write(.PMSIRR_EL1, interval << 8)
        write(.PMBPTR_EL1, ptr ?? Self.base)
        var limitRegister = PMBLIMITR_EL1(rawValue: 0)
        limitRegister.LIMIT = limit >> 12
        limitRegister.E = true
        write(.PMBLIMITR_EL1, limitRegister.rawValue)
    }

    mutating func write(_ id: SPERegisterID, _ value: UInt64) {
        unit.write(id, value, events: &events)
        #expect(unit.pmbirq == unit.buffer.PMBSR.S)
    }

    @discardableResult
    mutating func execute(_ count: UInt64, _ program: TestProgram = .uniform(), from index: UInt64 = 0,
        at el: UInt8 = 0) -> UInt64 {
        let ran = unit.execute(count, of: program, from: index, at: el, origin: Self.origin, contextID: Self.contextID,
            now: Self.now, memory: &memory, events: &events)
        #expect(unit.pmbirq == unit.buffer.PMBSR.S)
        return ran
    }

    mutating func drain(now: UInt64) {
        unit.drain(contextID: Self.contextID, now: now, memory: &memory, events: &events)
        #expect(unit.pmbirq == unit.buffer.PMBSR.S)
    }

    /// sampled == written + dropped (+ the one in flight).
    func expectAccounting(sourceLocation: SourceLocation = #_sourceLocation) {
        let c = unit.countersNow
        #expect(c.inFlight == (unit.inFlight == nil ? 0 : 1), sourceLocation: sourceLocation)
        #expect(c.sampled == c.written + c.droppedTotal + c.inFlight, sourceLocation: sourceLocation)
    }

    func records() throws -> [DecodedRecord] {
        try RecordDecoder.decode(memory.read(Self.base..<unit.buffer.PMBPTR.PTR), maxSize: 64, allowTruncatedTail: false)
    }

    func sampledIndices() throws -> [UInt64] { try records().map { TestProgram.index(ofPC: $0.record.pc) } }
}

/// SPE.md §3's counter, simulated independently: reload when zero, else decrement and sample at zero.
func expectedSamples(operations: UInt64, interval: UInt64, count initial: UInt64 = 0, random: SplitMix64? = nil) -> [UInt64] {
    var count = initial
    var random = random
    var samples: [UInt64] = []
    for i in 0..<operations {
        if count == 0 {
            let low: UInt64 = random.map { _ in random!.next() & 0xFF } ?? 0
            count = interval << 8 | low
        } else {
            count -= 1
            if count == 0 { samples.append(i) }
        }
    }
    return samples
}

@Suite struct SPEUnitTests {
    // MARK: The sampling counter

    @Test(arguments: [UInt64(1), 2, 4])
    func samplesExactlyWhereTheCounterReachesZero(interval: UInt64) throws {
        var rig = UnitRig(interval: interval)
        #expect(rig.execute(5000) == 5000)
        let expected = expectedSamples(operations: 5000, interval: interval)
        #expect(try rig.sampledIndices() == expected)
        #expect(rig.unit.counters.sampled == UInt64(expected.count))
        #expect(rig.unit.counters.written == UInt64(expected.count))
        rig.expectAccounting()
        if interval == 1 { #expect(expected.prefix(3) == [256, 513, 770]) }
    }

    @Test func aPreloadedCountSamplesFirstWhenItRunsOut() throws {
        var rig = UnitRig()
        rig.write(.PMSICR_EL1, 5)
        rig.execute(1000)
        #expect(try rig.sampledIndices() == [4, 261, 518, 775])
        #expect(try rig.sampledIndices() == expectedSamples(operations: 1000, interval: 1, count: 5))
        rig.expectAccounting()
    }

    @Test func executingInPiecesSamplesTheSameOperations() throws {
        var whole = UnitRig()
        whole.execute(3000)
        var pieces = UnitRig()
        var index: UInt64 = 0
        for size in [1, 7, 255, 256, 257, 100, 2124] as [UInt64] {
            #expect(pieces.execute(size, from: index) == size)
            index += size
        }
        #expect(index == 3000)
        #expect(try pieces.sampledIndices() == whole.sampledIndices())
        #expect(pieces.unit.controls.PMSICR == whole.unit.controls.PMSICR)
    }

    @Test(arguments: [UInt64(0), 1, 99])
    func randomLowByteComesFromTheSeededGenerator(seed: UInt64) throws {
        var a = UnitRig(seed: seed)
        a.write(.PMSIRR_EL1, 1 << 8 | 1)
        a.execute(6000)
        var b = UnitRig(seed: seed)
        b.write(.PMSIRR_EL1, 1 << 8 | 1)
        b.execute(6000)
        let expected = expectedSamples(operations: 6000, interval: 1, random: SplitMix64(seed: seed))
        #expect(try a.sampledIndices() == expected)
        #expect(try b.sampledIndices() == expected)
        #expect(expected != expectedSamples(operations: 6000, interval: 1))
        a.expectAccounting()
    }

    // MARK: When nothing is sampled

    enum Off: String, CaseIterable { case disabled, stopped, wrongOwner, elDisabled }

    @Test(arguments: Off.allCases)
    func noSamplingWhenProfilingIsOff(off: Off) {
        var rig = UnitRig(scr: { $0.E0SPE = off != .elDisabled })
        switch off {
        case .disabled:
            var limit = rig.unit.buffer.PMBLIMITR
            limit.E = false
            rig.write(.PMBLIMITR_EL1, limit.rawValue)
        case .stopped:
            rig.write(.PMBSR_EL1, 1 << 17)
            #expect(rig.unit.pmbirq)
        case .wrongOwner:
            rig.unit.setOwner(.el2)
        case .elDisabled:
            break
        }
        #expect(!rig.unit.isProfiling(at: 0))
        #expect(rig.execute(5000) == 5000)
        #expect(rig.unit.counters.sampled == 0)
        #expect(rig.unit.counters.written == 0)
        #expect(rig.unit.controls.PMSICR.COUNT == 0)
        #expect(rig.unit.buffer.PMBPTR.PTR == UnitRig.base)
        #expect(rig.memory.shadow.runs == [])
        rig.expectAccounting()
    }

    @Test func hostOperationsAreNotProfiledWhileTheGuestOwnsTheBuffer() {
        var rig = UnitRig()
        rig.write(.PMSCR_EL2, 0b10)  // E2SPE
        #expect(!rig.unit.isProfiling(at: 2))
        #expect(rig.unit.isProfiling(at: 1))
        rig.unit.setOwner(.el2)
        #expect(rig.unit.isProfiling(at: 2))
        #expect(!rig.unit.isProfiling(at: 1))
        #expect(!rig.unit.isProfiling(at: 0))
    }

    // MARK: Filters

    /// Sampled indices are 256 + 257k: their parity is k's.
    static let operations: UInt64 = 2900  // samples k = 0...10

    static func parityProgram(even: SampleableOperation, odd: SampleableOperation) -> TestProgram {
        TestProgram { i in
            var op = i % 2 == 0 ? even : odd
            op.pc = TestProgram.codeBase + i * 4
            return op
        }
    }

    static func op(_ type: OperationType = OperationType(.other), events: SampleEvents = [.retired], latency: UInt16 = 10)
        -> SampleableOperation
    {
        SampleableOperation(pc: 0, exceptionLevel: 0, type: type, events: events, latency: latency)
    }

    static let load = OperationType(.loadStore, subclass: 0)
    static let store = OperationType(.loadStore, subclass: 1)
    static let branch = OperationType(.branch, subclass: 1)

    struct FilterCase: Sendable, CustomTestStringConvertible {
        var name: String
        var fcr: UInt64
        var evfr: UInt64 = 0
        var nevfr: UInt64 = 0
        var minlat: UInt64 = 0
        var even: SampleableOperation
        var odd: SampleableOperation
        /// Which samples survive: those at even or odd k.
        var keepEven: Bool?
        var testDescription: String { name }
    }

    static let filterCases: [FilterCase] = [
        FilterCase(name: "FE", fcr: 1, evfr: 1 << 3,
            even: op(events: [.retired, .l1dRefill]), odd: op(events: [.retired]), keepEven: true),
        FilterCase(name: "FnE", fcr: 1 << 3, nevfr: 1 << 3,
            even: op(events: [.retired, .l1dRefill]), odd: op(events: [.retired]), keepEven: false),
        FilterCase(name: "FL", fcr: 1 << 2, minlat: 100, even: op(latency: 100), odd: op(latency: 99), keepEven: true),
        FilterCase(name: "FT+B", fcr: 1 << 1 | 1 << 16, even: op(branch), odd: op(load), keepEven: true),
        FilterCase(name: "FT+LD", fcr: 1 << 1 | 1 << 17, even: op(store), odd: op(load), keepEven: false),
        FilterCase(name: "FT+ST", fcr: 1 << 1 | 1 << 18, even: op(store), odd: op(load), keepEven: true),
        FilterCase(name: "FT+LD+ST drops branches", fcr: 1 << 1 | 3 << 17, even: op(load), odd: op(branch), keepEven: true),
        FilterCase(name: "controls without enables", fcr: 7 << 16, evfr: 1 << 3, nevfr: 1 << 1, minlat: 4000,
            even: op(store), odd: op(branch), keepEven: nil),
    ]

    @Test(arguments: filterCases)
    func filtersDropExactlyTheRightSamples(filter: FilterCase) throws {
        var rig = UnitRig()
        rig.write(.PMSFCR_EL1, filter.fcr)
        rig.write(.PMSEVFR_EL1, filter.evfr)
        rig.write(.PMSNEVFR_EL1, filter.nevfr)
        rig.write(.PMSLATFR_EL1, filter.minlat)
        rig.execute(Self.operations, Self.parityProgram(even: filter.even, odd: filter.odd))
        let sampled = expectedSamples(operations: Self.operations, interval: 1)
        #expect(sampled.count == 11)
        let kept = sampled.filter { index in filter.keepEven.map { (index % 2 == 0) == $0 } ?? true }
        #expect(try rig.sampledIndices() == kept)
        #expect(rig.unit.counters.sampled == 11)
        #expect(rig.unit.counters.dropped[.filtered, default: 0] == UInt64(11 - kept.count))
        #expect(rig.unit.counters.written == UInt64(kept.count))
        rig.expectAccounting()
    }

    // MARK: Collisions

    @Test func aLongInFlightOperationCollides() throws {
        var rig = UnitRig()
        rig.execute(2000, .uniform(inFlight: 300))
        // Samples at 256 + 257k; each even-k sample is still in flight at the next one.
        #expect(rig.unit.counters.sampled == 7)
        #expect(try rig.sampledIndices() == [256, 770, 1284])
        #expect(rig.unit.counters.dropped == [.collision: 3])
        #expect(rig.unit.inFlight != nil)
        #expect(rig.unit.buffer.PMBSR.COLL)
        #expect(!rig.unit.buffer.PMBSR.S)
        #expect(rig.unit.buffer.PMBSR.rawValue == 1 << 16)
        #expect(!rig.unit.pmbirq)
        #expect(rig.unit.counters.managementEvents == 0)
        rig.expectAccounting()
        rig.drain(now: 9000)
        #expect(try rig.sampledIndices() == [256, 770, 1284, 1798])
        #expect(rig.unit.inFlight == nil)
        rig.expectAccounting()
    }

    // MARK: Buffer full

    @Test(arguments: [(UInt64(192), 3), (256, 4)])
    func bufferFullStopsRightAfterTheRecordThatLeavesNoRoom(room: UInt64, records: Int) throws {
        let size: UInt64 = 0x2000
        var rig = UnitRig(size: size, ptr: UnitRig.base + size - room)
        let last = 256 + 257 * UInt64(records - 1)
        #expect(rig.execute(100_000) == last + 1)
        #expect(rig.unit.counters.written == UInt64(records))
        #expect(rig.unit.counters.sampled == UInt64(records))
        var sr = PMBSR_EL1(rawValue: 0)
        sr.S = true
        sr.EC = .other
        sr.MSS = UInt64(BufferStatusCode.bufferFilled.rawValue)
        #expect(rig.unit.buffer.PMBSR == sr)
        #expect(rig.unit.buffer.PMBSR.rawValue == 0x20001)
        #expect(!rig.unit.buffer.PMBSR.DL)
        #expect(rig.unit.buffer.PMBPTR.PTR == rig.limit)
        #expect(rig.unit.pmbirq)
        #expect(rig.unit.counters.managementEvents == 1)
        #expect(rig.events.contains(.managementEvent(sr, pointer: rig.limit)))
        #expect(rig.events.last == .pmbirqChanged(true))
        let bytes = rig.memory.read((rig.limit - room)..<rig.limit)
        let decoded = try RecordDecoder.decode(bytes, maxSize: 64, allowTruncatedTail: false)
        #expect(decoded.map { TestProgram.index(ofPC: $0.record.pc) } == Array(expectedSamples(operations: last + 1, interval: 1)))
        // Stopped: nothing more is sampled.
        #expect(rig.execute(5000, from: last + 1) == 5000)
        #expect(rig.unit.counters.sampled == UInt64(records))
        rig.expectAccounting()
    }

    // MARK: Faults

    @Test func stage1FaultPartWayThroughARecord() {
        let page2 = UnitRig.base + 0x1000
        var rig = UnitRig(size: 0x3000, ptr: page2 - 32, map: false)
        rig.memory.map(UnitRig.base..<page2)
        #expect(rig.execute(10_000) == 257)
        #expect(rig.unit.buffer.PMBSR.rawValue == 0x900A_0007)  // S, DL, EC stage 1, FSC translation L3
        #expect(rig.unit.buffer.PMBSR.EC == .stage1DataAbort)
        #expect(rig.unit.buffer.PMBSR.MSS == UInt64(FaultStatusCode.translationFault.rawValue))
        #expect(rig.unit.buffer.PMBSR.DL)
        #expect(rig.unit.buffer.PMBPTR.PTR == page2)
        #expect(rig.unit.counters.dropped == [.fault: 1])
        #expect(rig.unit.counters.written == 0)
        #expect(rig.unit.pmbirq)
        #expect(rig.memory.shadow.runs == [ShadowLog.Run(range: (page2 - 32)..<page2, writer: UnitRig.origin)])
        rig.expectAccounting()
    }

    @Test func stage1FaultAtTheFirstByteOfARecordLosesNoPartialRecord() throws {
        let page2 = UnitRig.base + 0x1000
        var rig = UnitRig(size: 0x3000, ptr: page2 - 64, map: false)
        rig.memory.map(UnitRig.base..<page2)
        #expect(rig.execute(10_000) == 514)
        #expect(rig.unit.buffer.PMBSR.rawValue == 0x9002_0007)
        #expect(!rig.unit.buffer.PMBSR.DL)
        #expect(rig.unit.buffer.PMBPTR.PTR == page2)
        #expect(rig.unit.counters.written == 1)
        #expect(rig.unit.counters.dropped == [.fault: 1])
        rig.expectAccounting()
    }

    @Test func stage2FaultPartWayThroughARecord() {
        let page2 = UnitRig.base + 0x1000
        var rig = UnitRig(size: 0x3000, ptr: page2 - 16)
        rig.memory.unmapStage2(page2..<(page2 + 0x1000))
        #expect(rig.execute(10_000) == 257)
        #expect(rig.unit.buffer.PMBSR.rawValue == 0x940A_0007)  // EC stage 2
        #expect(rig.unit.buffer.PMBSR.EC == .stage2DataAbort)
        #expect(rig.unit.buffer.PMBPTR.PTR == page2)
        #expect(rig.unit.counters.dropped == [.fault: 1])
        rig.expectAccounting()
    }

    @Test func stage2FaultAtTheFirstByte() {
        let page2 = UnitRig.base + 0x1000
        var rig = UnitRig(size: 0x3000, ptr: page2)
        rig.memory.unmapStage2(page2..<(page2 + 0x1000))
        rig.execute(10_000)
        #expect(rig.unit.buffer.PMBSR.rawValue == 0x9402_0007)
        #expect(rig.unit.buffer.PMBPTR.PTR == page2)
        rig.expectAccounting()
    }

    // MARK: Discard mode, drain

    @Test func discardModeKeepsNothing() {
        var rig = UnitRig(size: 0x1000)
        var limit = rig.unit.buffer.PMBLIMITR
        limit.FM = .discard
        rig.write(.PMBLIMITR_EL1, limit.rawValue)
        rig.execute(100_000)
        let sampled = UInt64(expectedSamples(operations: 100_000, interval: 1).count)
        #expect(rig.unit.counters.sampled == sampled)
        #expect(rig.unit.counters.dropped == [.discarded: sampled])
        #expect(rig.unit.counters.written == 0)
        #expect(rig.unit.buffer.PMBPTR.PTR == UnitRig.base)
        #expect(rig.unit.buffer.PMBSR.rawValue == 0)
        #expect(!rig.unit.pmbirq)
        #expect(rig.memory.shadow.runs == [])
        #expect(!rig.events.contains { if case .managementEvent = $0 { true } else { false } })
        rig.expectAccounting()
    }

    @Test func drainCompletesTheSampleInFlight() throws {
        var rig = UnitRig(scr: { $0.TS = true })
        rig.execute(257, .uniform(inFlight: 100))
        #expect(rig.unit.counters.sampled == 1)
        #expect(rig.unit.counters.written == 0)
        #expect(rig.unit.inFlight?.remaining == 100)
        rig.drain(now: 5000)
        #expect(rig.unit.inFlight == nil)
        #expect(rig.unit.counters.written == 1)
        #expect(rig.events.last == .drained)
        #expect(try rig.records().map(\.record.timestamp) == [5000])
        rig.expectAccounting()
    }

    /// The late-event window: the drain completes a sample whose record leaves no room, so the drain
    /// raises buffer-filled (and counts it as raised in a drain); a drain with room raises nothing.
    @Test func aDrainThatFillsTheBufferRaisesTheEventThere() {
        var rig = UnitRig(size: 0x1000, ptr: UnitRig.base + 0x1000 - 64)
        rig.execute(257, .uniform(inFlight: 100))
        #expect(rig.unit.inFlight != nil)
        #expect(!rig.unit.pmbirq)
        rig.drain(now: 5000)
        #expect(rig.unit.buffer.PMBSR.rawValue == 0x20001)
        #expect(rig.unit.pmbirq)
        #expect(rig.unit.counters.managementEvents == 1)
        #expect(rig.unit.counters.managementEventsInDrain == 1)
        // A second drain has nothing in flight: nothing more is counted.
        rig.drain(now: 6000)
        #expect(rig.unit.counters.managementEventsInDrain == 1)
        var roomy = UnitRig()
        roomy.execute(257, .uniform(inFlight: 100))
        roomy.drain(now: 5000)
        #expect(roomy.unit.counters.written == 1)
        #expect(roomy.unit.counters.managementEventsInDrain == 0)
        var total = rig.unit.counters
        total.add(rig.unit.counters)
        #expect(total.managementEventsInDrain == 2)
        rig.expectAccounting()
    }

    @Test func drainOfAStoppedBufferDropsTheSample() {
        var rig = UnitRig()
        rig.execute(257, .uniform(inFlight: 100))
        var limit = rig.unit.buffer.PMBLIMITR
        limit.E = false
        rig.write(.PMBLIMITR_EL1, limit.rawValue)
        rig.drain(now: 5000)
        #expect(rig.unit.counters.dropped == [.stopped: 1])
        #expect(rig.unit.counters.written == 0)
        rig.expectAccounting()
    }

    // MARK: Records

    @Test func guestRecordsCarryTheEL1ContextAndTimestamp() throws {
        var rig = UnitRig(scr: {
            $0.CX = true
            $0.TS = true
        })
        rig.execute(600)
        let records = try rig.records()
        #expect(records.map(\.record) == [256, 513].map { index in
            SPERecord(pc: TestProgram.codeBase + index * 4, exceptionLevel: 0, nonSecure: true,
                operation: OperationType(.other), events: [.retired], totalLatency: 10,
                context: .el1(UnitRig.contextID), timestamp: UnitRig.now + index + 1)
        })
        #expect(records.map(\.offset) == [0, 64])
    }

    @Test func recordsWithoutCXOrTSHaveNoContextOrTimestamp() throws {
        var rig = UnitRig()
        rig.execute(300)
        let records = try rig.records()
        #expect(records.count == 1)
        #expect(records[0].record.context == nil)
        #expect(records[0].record.timestamp == nil)
    }

    @Test func hostRecordsCarryTheEL2Context() throws {
        var unit = SPEUnit()
        var memory = AddressSpace(owner: .host(cpu: 0))
        let base: UInt64 = 0xFFFF_0000_0010_0000
        memory.map(base..<(base + 0x1000))
        var events: [SPEEvent] = []
        unit.setOwner(.el2)
        var scr = PMSCR_EL2(rawValue: 0)
        scr.E2SPE = true
        scr.CX = true
        scr.TS = true
        unit.write(.PMSCR_EL2, scr.rawValue, events: &events)
        unit.write(.PMSIRR_EL1, 1 << 8, events: &events)
        unit.write(.PMBPTR_EL1, base, events: &events)
        var limit = PMBLIMITR_EL1(rawValue: 0)
        limit.LIMIT = (base + 0x1000) >> 12
        limit.E = true
        unit.write(.PMBLIMITR_EL1, limit.rawValue, events: &events)
        unit.execute(300, of: TestProgram.uniform(exceptionLevel: 2), from: 0, at: 2, origin: .host(cpu: 0),
            contextID: 0xE200_0000, now: 0, memory: &memory, events: &events)
        let records = try RecordDecoder.decode(memory.read(base..<unit.buffer.PMBPTR.PTR), maxSize: 64, allowTruncatedTail: false)
        #expect(records.map(\.record.context) == [.el2(0xE200_0000)])
        #expect(records.map(\.record.exceptionLevel) == [2])
        #expect(records.map(\.record.timestamp) == [257])
        #expect(memory.shadow.runs == [ShadowLog.Run(range: base..<(base + 64), writer: .host(cpu: 0))])
    }

    // MARK: PMBIRQ

    @Test func pmbirqFollowsSoftwareWritesOfS() {
        var rig = UnitRig()
        rig.events = []
        rig.write(.PMBSR_EL1, 1 << 17)
        #expect(rig.unit.pmbirq)
        #expect(rig.events == [.hardwareWrite(.PMBSR_EL1, 1 << 17), .pmbirqChanged(true)])
        rig.write(.PMBSR_EL1, 1 << 17 | 1)  // still high: no change
        #expect(rig.events.count == 3)
        rig.write(.PMBSR_EL1, 0)
        #expect(!rig.unit.pmbirq)
        #expect(rig.events.last == .pmbirqChanged(false))
        // RES0 bits are cleared by the write.
        rig.write(.PMBSR_EL1, 0xFF00_0000_0000_0000 | 1 << 20)
        #expect(rig.unit.buffer.PMBSR.rawValue == 0)
    }

    @Test func readOnlyRegistersIgnoreWrites() {
        var rig = UnitRig()
        let before = rig.events.count
        rig.write(.PMSIDR_EL1, 0)
        rig.write(.PMBIDR_EL1, 0)
        #expect(rig.events.count == before)
        #expect(rig.unit.read(.PMSIDR_EL1) == SPEIdentification.modelDefault.PMSIDR.rawValue)
        #expect(rig.unit.read(.PMBIDR_EL1) == 0x26)
        #expect(rig.unit.read(.ID_AA64DFR0_EL1) == 3 << 32)
        #expect(rig.unit.read(.MDCR_EL2) == 0b10 << 12)
        #expect(SPEIdentification.modelDefault.PMSIDR.rawValue == 0x2_6047)
    }
}
