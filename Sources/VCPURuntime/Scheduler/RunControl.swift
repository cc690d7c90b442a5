import Synchronization

/// A run's budget and its end: counts exits against an exit budget, and once the budget is spent
/// (or the duration passed, or a rule broke) tells every VCPU to stop at its next step. Shared by
/// every CPU and VCPU of a run; lock-free.
public final class RunControl: Sendable {
    /// Exits still allowed (nil budget: unlimited).
    private let exitsLeft: Atomic<Int64>
    private let countsExits: Bool
    private let ended = Atomic<Bool>(false)
    private let onEnd: @Sendable () -> Void

    /// A control for `budget` (an exit budget is counted here; a duration is the run driver's
    /// timer, which calls ``end()``). `onEnd` runs once, on the job that ends the run: it wakes
    /// blocked VCPUs and cuts guest periods short so every VCPU sees the end promptly.
    public init(budget: RunBudget?, onEnd: @escaping @Sendable () -> Void = {}) {
        if case .exits(let n) = budget {
            countsExits = true
            exitsLeft = Atomic(Int64(clamping: n))
        } else {
            countsExits = false
            exitsLeft = Atomic(0)
        }
        self.onEnd = onEnd
    }

    /// Counts one exit; the exit that spends an exit budget ends the run.
    public func countExit() {
        guard countsExits else { return }
        if exitsLeft.subtract(1, ordering: .relaxed).newValue == 0 { end() }
    }

    /// Ends the run (once; later calls do nothing).
    public func end() {
        guard ended.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else { return }
        onEnd()
    }

    /// Whether the run has ended: VCPUs stop at their next step.
    public var hasEnded: Bool { ended.load(ordering: .acquiring) }
}
