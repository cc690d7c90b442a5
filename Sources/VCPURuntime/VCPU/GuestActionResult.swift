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
    public private(set) var byReason: [ExitReason: UInt64] = [:]
    public init() {}
    public mutating func count(_ reason: ExitReason) { byReason[reason, default: 0] += 1 }
    public subscript(reason: ExitReason) -> UInt64 { byReason[reason] ?? 0 }
    public var total: UInt64 { byReason.values.reduce(0, +) }
    public mutating func add(_ other: ExitCounts) {
        for reason in ExitReason.allCases { byReason[reason, default: 0] += other[reason] }
    }
}
