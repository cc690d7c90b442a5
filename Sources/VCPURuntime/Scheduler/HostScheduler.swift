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
    private let state: PThreadMutex<State>
    private let moves = Atomic<UInt64>(0)

    /// The loads, and the run queue depths a traced run records where the loads change (under
    /// the same lock, so the depths of a CPU are recorded in the order they happened).
    private struct State: Sendable {
        var loads: [Int]
        var trace: (log: TraceLog, clock: PlatformClock)?

        mutating func changed(_ cpu: Int) {
            guard let clock = trace?.clock else { return }
            trace!.log.append(TraceRecord(time: clock.now(), cpu: cpu, event: .runQueue(depth: loads[cpu])))
        }
    }

    public init(cpus: Int, imbalance: Int = 1) {
        precondition(cpus > 0, "a scheduler needs a CPU")
        self.imbalance = imbalance
        state = PThreadMutex(State(loads: Array(repeating: 0, count: cpus)))
    }

    /// Records every change of a CPU's load from now on, at most `limit` of them, at `clock`'s time.
    func startTracing(limit: Int, clock: PlatformClock) {
        state.withLock { $0.trace = (TraceLog(limit: limit), clock) }
    }

    /// What ``startTracing(limit:clock:)`` recorded.
    var traceLog: TraceLog? { state.withLock { $0.trace?.log } }

    /// Places a runnable VCPU: the CPU whose run queue it joins (counted in its load until
    /// ``left(_:)``). `allowed` (sorted, non-empty) are the CPUs of its SPU; a `forced` preferred
    /// CPU (a migrator's move) is taken whatever the loads.
    public func place(preferred: Int, allowed: [Int], forced: Bool = false) -> Int {
        precondition(!allowed.isEmpty, "a VCPU needs a CPU it may run on")
        let chosen = state.withLock { state -> Int in
            var lightest = allowed[0]
            for cpu in allowed where state.loads[cpu] < state.loads[lightest] { lightest = cpu }
            let cpu: Int
            if allowed.contains(preferred) && (forced || state.loads[preferred] <= state.loads[lightest] + imbalance) {
                cpu = preferred
            } else {
                cpu = lightest
            }
            state.loads[cpu] += 1
            state.changed(cpu)
            return cpu
        }
        if chosen != preferred { moves.add(1, ordering: .relaxed) }
        return chosen
    }

    /// A VCPU gave `cpu` up (it blocked, stopped, was preempted or moves).
    public func left(_ cpu: Int) {
        state.withLock { state in
            state.loads[cpu] -= 1
            state.changed(cpu)
        }
    }

    /// Whether a VCPU other than the one holding `cpu` is queued for it.
    public func hasWaiters(cpu: Int) -> Bool { state.withLock { $0.loads[cpu] > 1 } }

    /// The VCPUs holding or queued on each CPU.
    public var load: [Int] { state.withLock { $0.loads } }

    /// Times a VCPU was placed on a CPU other than its preferred one.
    public var balancingMoves: UInt64 { moves.load(ordering: .relaxed) }
}
