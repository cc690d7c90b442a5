import HostIRQ
import Synchronization

/// The host scheduler's placement: which physical CPU's run queue a VCPU joins when it becomes
/// runnable. Each CPU's load is the VCPUs holding it or queued on it. A VCPU goes back to its
/// preferred CPU (where it last ran, or where the migrator sends it) unless that CPU is busier than
/// the least-loaded CPU it may use by more than ``imbalance``: then it moves there (wake-up
/// balancing). It only ever joins a CPU of its SPU set.
///
/// **Model decision:** balancing happens when a VCPU becomes runnable (waking from WFI, preempted,
/// created), never by pulling a queued VCPU off another CPU; the run queues are FIFO. One short
/// critical section per decision; on the simulated platform every decision is taken in job order,
/// so it is deterministic.
public final class HostScheduler: Sendable {
    /// Load difference tolerated before a runnable VCPU is moved to a less-loaded CPU.
    public let imbalance: Int
    private let loads: PThreadMutex<[Int]>
    private let moves = Atomic<UInt64>(0)

    public init(cpus: Int, imbalance: Int = 1) {
        precondition(cpus > 0, "a scheduler needs a CPU")
        self.imbalance = imbalance
        loads = PThreadMutex(Array(repeating: 0, count: cpus))
    }

    /// Places a runnable VCPU: the CPU whose run queue it joins (counted in its load until
    /// ``left(_:)``). `allowed` (sorted, non-empty) are the CPUs of its SPU; a `forced` preferred
    /// CPU (a migrator's move) is taken whatever the loads.
    public func place(preferred: Int, allowed: [Int], forced: Bool = false) -> Int {
        precondition(!allowed.isEmpty, "a VCPU needs a CPU it may run on")
        let chosen = loads.withLock { loads -> Int in
            var lightest = allowed[0]
            for cpu in allowed where loads[cpu] < loads[lightest] { lightest = cpu }
            let cpu: Int
            if allowed.contains(preferred) && (forced || loads[preferred] <= loads[lightest] + imbalance) {
                cpu = preferred
            } else {
                cpu = lightest
            }
            loads[cpu] += 1
            return cpu
        }
        if chosen != preferred { moves.add(1, ordering: .relaxed) }
        return chosen
    }

    /// A VCPU gave `cpu` up (it blocked, stopped, was preempted or moves).
    public func left(_ cpu: Int) {
        loads.withLock { $0[cpu] -= 1 }
    }

    /// Whether a VCPU other than the one holding `cpu` is queued for it.
    public func hasWaiters(cpu: Int) -> Bool { loads.withLock { $0[cpu] > 1 } }

    /// The VCPUs holding or queued on each CPU.
    public var load: [Int] { loads.withLock { $0 } }

    /// Times a VCPU was placed on a CPU other than its preferred one.
    public var balancingMoves: UInt64 { moves.load(ordering: .relaxed) }
}
