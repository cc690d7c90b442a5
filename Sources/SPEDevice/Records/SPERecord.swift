/// One SPE sample record: the fields of the packets the model writes for a sampled operation.
///
/// `RecordEncoder` turns it into packets and `RecordDecoder` turns packets back into it. The
/// model's layout, in order: PC address packet, optional Context packet, operation-type packet,
/// Events packet, Counter packets (total latency, then issue and translation latency when
/// present), data virtual address packet when present, branch-target address packet when
/// present, then a Timestamp packet when `timestamp` is set or an End packet when it is nil.
/// The codec does not tie the optional addresses to the operation class: the model gives a
/// load/store a data address and a branch a target, and whatever is set is written.
public struct SPERecord: Hashable, Sendable {
    /// The sampled operation's virtual address (PC address packet, index 0), bits [55:0]; the
    /// encoder records only those bits.
    public var pc: UInt64
    /// The exception level the operation ran at, 0...3 (PC packet bits [62:61]).
    public var exceptionLevel: UInt8
    /// Whether the operation ran in Non-secure state (PC packet bit 63).
    public var nonSecure: Bool
    /// The operation's class and subclass (operation-type packet).
    public var operation: OperationType
    /// The events the operation caused (Events packet).
    public var events: SampleEvents
    /// Total latency in cycles (Counter packet, index 0). Counters are 12 bits wide and
    /// saturating: the encoder writes values above 4095 as 4095.
    public var totalLatency: UInt16
    /// Issue latency in cycles (Counter packet, index 1), or nil when not recorded. Saturates at
    /// 4095 like `totalLatency`.
    public var issueLatency: UInt16?
    /// Translation latency in cycles (Counter packet, index 2), or nil when not recorded.
    /// Saturates at 4095 like `totalLatency`.
    public var translationLatency: UInt16?
    /// The data virtual address of a load or store (address packet, index 2), bits [55:0], or nil.
    public var dataVirtualAddress: UInt64?
    /// The target address of a branch (address packet, index 1), bits [55:0], or nil.
    public var branchTarget: UInt64?
    /// The `CONTEXTIDR` value written when the owner set `PMSCR.CX`, or nil for no Context packet.
    public var context: RecordContext?
    /// The Timestamp packet's value when the owner set `PMSCR.TS`; nil means the record ends
    /// with an End packet instead.
    public var timestamp: UInt64?

    /// A record with every field given; the defaults are also what a truncated record's missing
    /// fields read as.
    public init(
        pc: UInt64 = 0,
        exceptionLevel: UInt8 = 0,
        nonSecure: Bool = false,
        operation: OperationType = OperationType(.other),
        events: SampleEvents = [],
        totalLatency: UInt16 = 0,
        issueLatency: UInt16? = nil,
        translationLatency: UInt16? = nil,
        dataVirtualAddress: UInt64? = nil,
        branchTarget: UInt64? = nil,
        context: RecordContext? = nil,
        timestamp: UInt64? = nil
    ) {
        self.pc = pc
        self.exceptionLevel = exceptionLevel
        self.nonSecure = nonSecure
        self.operation = operation
        self.events = events
        self.totalLatency = totalLatency
        self.issueLatency = issueLatency
        self.translationLatency = translationLatency
        self.dataVirtualAddress = dataVirtualAddress
        self.branchTarget = branchTarget
        self.context = context
        self.timestamp = timestamp
    }
}
