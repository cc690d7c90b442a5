import SPEDevice

/// What a guest action came to.
public enum GuestActionResult: Hashable, Sendable {
    /// Operations ran.
    case ran(UInt64)
    /// A read returned this value.
    case read(UInt64)
    /// A write was taken.
    case wrote
    /// The access was UNDEFINED: the guest took an undefined-instruction exception.
    case undefined
}

/// Why a VCPU left the guest.
public enum ExitReason: String, CaseIterable, Hashable, Sendable {
    /// A trapped system-register access (exception class 0x18).
    case sysreg
    /// A physical interrupt (the SPE `PMBIRQ`, a kick).
    case irq
    /// The guest waits for an interrupt.
    case wfi
    /// A hypercall; exec's guest yields to its script this way.
    case hypercall
    /// An end-of-interrupt maintenance interrupt.
    case maintenance
    /// The time slice ended.
    case preemption
    /// Pinning needs more locked memory: the VMM must act.
    case lockedMemory = "locked-memory"
}

/// Exits counted by reason.
public struct ExitCounts: Hashable, Sendable {
    /// One counter per reason, at its ``ExitReason/index``: counted on every exit, so it is stored
    /// inline and indexed (a dictionary hashed the reason's name each time).
    private var counts = SIMD8<UInt64>()
    public init() {}
    public mutating func count(_ reason: ExitReason) { counts[reason.index] += 1 }
    public subscript(reason: ExitReason) -> UInt64 { counts[reason.index] }
    public var total: UInt64 { counts.wrappedSum() }
    public mutating func add(_ other: ExitCounts) { counts &+= other.counts }
}

extension ExitReason {
    /// The reason's position in ``allCases``.
    var index: Int {
        switch self {
        case .sysreg: 0
        case .irq: 1
        case .wfi: 2
        case .hypercall: 3
        case .maintenance: 4
        case .preemption: 5
        case .lockedMemory: 6
        }
    }
}
