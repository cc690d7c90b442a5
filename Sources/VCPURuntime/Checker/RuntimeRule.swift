import HostIRQ
import SPEDevice
import Synchronization

/// The rules the runtime adds to SPEDevice's, each with a stable kebab-case name.
public enum RuntimeRule: String, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    case oneVCPUPerCPU = "one-vcpu-per-cpu"
    case virqDeliveredToOwner = "virq-delivered-to-owner"
    case noLostVirtualInterrupt = "no-lost-virtual-interrupt"
    case noEscapedJob = "no-escaped-job"
    case vcpuRunsWithinSPU = "vcpu-runs-within-spu"

    public var description: String { rawValue }

    /// What the rule says.
    public var summary: String {
        switch self {
        case .oneVCPUPerCPU: "a physical CPU holds at most one VCPU, and a VCPU is held by at most one CPU"
        case .virqDeliveredToOwner: "a VCPU's virtual SPE interrupt reaches exactly that VCPU's virtual interface"
        case .noLostVirtualInterrupt:
            "a virtual interrupt whose source is asserted is pending or active; every one raised is taken, lowered by its source, or pending at the end"
        case .noEscapedJob: "no job of the model runs off the simulated platform"
        case .vcpuRunsWithinSPU: "a VCPU with SPE is loaded only on a physical CPU of its SPU"
        }
    }
}

/// A deliberately broken variant of the runtime; each breaks one ``RuntimeRule``.
public enum RuntimeMutation: String, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    case putSkippedOnMove = "put-skipped-on-move"
    case virqToWrongVCPU = "virq-to-wrong-vcpu"
    case timerLineNotRaised = "timer-line-not-raised"
    case workOffPlatform = "work-off-platform"
    case spuIgnored = "spu-ignored"

    public var description: String { rawValue }

    public var rule: RuntimeRule {
        switch self {
        case .putSkippedOnMove: .oneVCPUPerCPU
        case .virqToWrongVCPU: .virqDeliveredToOwner
        case .timerLineNotRaised: .noLostVirtualInterrupt
        case .workOffPlatform: .noEscapedJob
        case .spuIgnored: .vcpuRunsWithinSPU
        }
    }

    public var summary: String {
        switch self {
        case .putSkippedOnMove: "a VCPU that moves is loaded on its new CPU without being put on the old one"
        case .virqToWrongVCPU: "the CPU sets the SPE line of the VCPU that ran before on it, not the one exiting"
        case .timerLineNotRaised: "a virtual timer that fires is noted but its line is never raised"
        case .workOffPlatform: "the runtime does a step of its bookkeeping on a helper thread"
        case .spuIgnored: "the host scheduler and the migrator place VCPUs on any CPU, ignoring their SPU"
        }
    }
}

/// A broken runtime rule: which, where, and what was seen.
public struct RuntimeViolation: Hashable, Sendable, CustomStringConvertible {
    public let rule: RuntimeRule
    public let cpu: Int?
    public let vcpu: VCPUID?
    /// Virtual time it was seen at.
    public let time: UInt64
    public let detail: String

    public var description: String {
        "\(rule)\(cpu.map { " on cpu\($0)" } ?? "")\(vcpu.map { " \($0)" } ?? "") at \(time) ns: \(detail)"
    }
}

/// The run-wide checker of the runtime rules: shared by every CPU and VCPU of a run.
public final class RuntimeChecker: Sendable {
    public let mutation: RuntimeMutation?
    private let found = PThreadMutex<[RuntimeViolation]>([])
    private let stopRun: (@Sendable () -> Void)?

    /// A checker; `stop` ends the run when a rule breaks.
    public init(mutation: RuntimeMutation? = nil, stop: (@Sendable () -> Void)? = nil) {
        self.mutation = mutation
        stopRun = stop
    }

    /// Reports a broken rule, and stops the run.
    public func report(_ rule: RuntimeRule, cpu: Int?, vcpu: VCPUID?, time: UInt64, _ detail: String) {
        found.withLock { $0.append(RuntimeViolation(rule: rule, cpu: cpu, vcpu: vcpu, time: time, detail: detail)) }
        stopRun?()
    }

    /// Who is loaded where: the checker's own registry, updated at every load and put.
    private let loaded = PThreadMutex<(byVCPU: [VCPUID: Int], byCPU: [Int: VCPUID])>(([:], [:]))

    /// `vcpu` is being loaded on `cpu`: neither may already be held elsewhere.
    public func noteLoad(_ vcpu: VCPUID, on cpu: Int, time: UInt64) {
        let (elsewhere, occupant) = loaded.withLock { state -> (Int?, VCPUID?) in
            let found = (state.byVCPU[vcpu], state.byCPU[cpu])
            state.byVCPU[vcpu] = cpu
            state.byCPU[cpu] = vcpu
            return found
        }
        if let other = elsewhere, other != cpu {
            report(.oneVCPUPerCPU, cpu: cpu, vcpu: vcpu, time: time, "loaded on cpu\(cpu) while still loaded on cpu\(other)")
        }
        if let occupant, occupant != vcpu {
            report(.oneVCPUPerCPU, cpu: cpu, vcpu: vcpu, time: time, "loaded on cpu\(cpu), which still holds \(occupant)")
        }
    }

    /// `vcpu` was put from `cpu`.
    public func notePut(_ vcpu: VCPUID, from cpu: Int) {
        loaded.withLock { state in
            if state.byVCPU[vcpu] == cpu { state.byVCPU[vcpu] = nil }
            if state.byCPU[cpu] == vcpu { state.byCPU[cpu] = nil }
        }
    }

    /// Asks the run to stop (an SPE rule broke).
    public func requestStop() { stopRun?() }

    /// Every violation, in the order seen.
    public var violations: [RuntimeViolation] { found.withLock { $0 } }
}
