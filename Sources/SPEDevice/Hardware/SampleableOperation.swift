/// One sampleable operation a guest or the host executes: what a record of it would say.
public struct SampleableOperation: Hashable, Sendable {
    /// The virtual address of the instruction.
    public var pc: UInt64
    /// The Exception level it runs at (0, 1 for a guest; 0, 2 for the host).
    public var exceptionLevel: UInt8
    public var type: OperationType
    public var events: SampleEvents
    /// Total latency in cycles (the record's counter saturates at 4095).
    public var latency: UInt16
    /// The data address of a load or store.
    public var dataAddress: UInt64?
    /// The target of a branch.
    public var branchTarget: UInt64?
    /// How many further operations retire before this one completes: a sample of it stays in flight
    /// that long, and a sample selected meanwhile collides with it.
    public var inFlightOperations: UInt32

    public init(
        pc: UInt64, exceptionLevel: UInt8, type: OperationType, events: SampleEvents, latency: UInt16,
        dataAddress: UInt64? = nil, branchTarget: UInt64? = nil, inFlightOperations: UInt32 = 0
    ) {
        self.pc = pc
        self.exceptionLevel = exceptionLevel
        self.type = type
        self.events = events
        self.latency = latency
        self.dataAddress = dataAddress
        self.branchTarget = branchTarget
        self.inFlightOperations = inFlightOperations
    }
}

/// A program of sampleable operations, as a pure function of the operation's index, so the unit can
/// skip the operations between samples in bulk and a run is replayable.
public protocol OperationSource: Sendable {
    /// The operation at `index` (0 is the program's first).
    func operation(at index: UInt64) -> SampleableOperation
}

/// A synthetic program: a loop over a code region with a mix of loads, stores, branches and other
/// operations, derived from a seed by hashing the index (no stored state).
public struct SyntheticProgram: OperationSource, Hashable {
    public var seed: UInt64
    public var exceptionLevel: UInt8
    public var codeBase: UInt64
    public var dataBase: UInt64
    /// Every operation stays in flight this many operations at least (long latencies add to it).
    public var baseInFlight: UInt32

    public init(
        seed: UInt64, exceptionLevel: UInt8 = 0, codeBase: UInt64 = 0x40_0000, dataBase: UInt64 = 0x1000_0000,
        baseInFlight: UInt32 = 0
    ) {
        self.seed = seed
        self.exceptionLevel = exceptionLevel
        self.codeBase = codeBase
        self.dataBase = dataBase
        self.baseInFlight = baseInFlight
    }

    public func operation(at index: UInt64) -> SampleableOperation {
        let h = SplitMix64.mix(seed &+ index &* 0x9E37_79B9_7F4A_7C15)
        let pc = codeBase + (index % 4096) * 4
        let kind = h & 3
        let latency = UInt16(truncatingIfNeeded: 1 + (h >> 8) % 64 + ((h >> 20) & 0xF == 0 ? 300 : 0))
        var events: SampleEvents = [.retired]
        let type: OperationType
        var data: UInt64?
        var target: UInt64?
        switch kind {
        case 0, 1:
            type = OperationType(.loadStore, subclass: kind == 0 ? 0x00 : 0x01)
            data = dataBase + ((h >> 24) & 0xFFFF) * 8
            events.insert(.l1dAccess)
            events.insert(.tlbAccess)
            if (h >> 40) & 7 == 0 { events.insert(.l1dRefill) }
            if (h >> 43) & 31 == 0 { events.insert(.tlbWalk) }
            if (h >> 48) & 15 == 0 { events.formUnion([.llcAccess, .llcMiss]) }
        case 2:
            type = OperationType(.branch, subclass: 0x01)
            target = codeBase + ((h >> 24) % 4096) * 4
            if (h >> 40) & 1 == 0 { events.insert(.notTaken) }
            if (h >> 41) & 15 == 0 { events.insert(.mispredicted) }
        default:
            type = OperationType(.other, subclass: 0)
        }
        return SampleableOperation(
            pc: pc, exceptionLevel: exceptionLevel, type: type, events: events, latency: latency,
            dataAddress: data, branchTarget: target, inFlightOperations: baseInFlight + UInt32(latency / 64))
    }
}
