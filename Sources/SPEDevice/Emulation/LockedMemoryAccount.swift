import Synchronization

/// A VM's locked-memory limit (`RLIMIT_MEMLOCK` of the VMM) and what pinning has charged to it.
/// Shared by the VM's VCPUs, which pin from whatever CPU they run on: lock-free, so no CPU ever
/// waits for another.
public final class LockedMemoryAccount: Sendable {
    private let limitBytes: Atomic<UInt64>
    private let chargedBytes = Atomic<UInt64>(0)

    /// An account with `limit` bytes; `UInt64.max` means unlimited.
    public init(limit: UInt64 = .max) { limitBytes = Atomic(limit) }

    /// The limit in bytes (`UInt64.max`: unlimited).
    public var limit: UInt64 { limitBytes.load(ordering: .relaxed) }
    /// Bytes charged now.
    public var charged: UInt64 { chargedBytes.load(ordering: .relaxed) }

    /// Charges `bytes` if the limit allows it; false (nothing charged) otherwise.
    public func tryCharge(_ bytes: UInt64) -> Bool {
        var current = chargedBytes.load(ordering: .relaxed)
        while true {
            let (sum, overflow) = current.addingReportingOverflow(bytes)
            if overflow || sum > limitBytes.load(ordering: .relaxed) { return false }
            let (exchanged, original) = chargedBytes.compareExchange(
                expected: current, desired: sum, ordering: .relaxed)
            if exchanged { return true }
            current = original
        }
    }

    /// Gives back `bytes` charged before.
    public func refund(_ bytes: UInt64) { chargedBytes.subtract(bytes, ordering: .relaxed) }

    /// Sets the limit (the VMM raises or tightens it).
    public func setLimit(_ bytes: UInt64) { limitBytes.store(bytes, ordering: .relaxed) }

    /// **Model decision:** what the VMM does when pinning needs more locked memory than the VM
    /// has: it raises the limit by what is missing, so `bytes` more fit, and runs the VCPU again.
    public func raiseLimit(toFit bytes: UInt64) { setLimit(charged + bytes) }

    /// Raises the limit to `bytes` unless it is already at least that (the VMM relaxes a limit it
    /// tightened); one atomic step, so a concurrent raise is never undone.
    public func raiseLimit(toAtLeast bytes: UInt64) {
        var current = limitBytes.load(ordering: .relaxed)
        while current < bytes {
            let (exchanged, original) = limitBytes.compareExchange(expected: current, desired: bytes, ordering: .relaxed)
            if exchanged { return }
            current = original
        }
    }
}
