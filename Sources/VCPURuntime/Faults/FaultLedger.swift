import HostIRQ

/// How many faults of each kind took effect in a run. Shared by the injector's ticks, the CPUs and
/// the VCPUs of a run; one short critical section per fault, so counts are exact on either platform.
public final class FaultLedger: Sendable {
    private let counts = PThreadMutex<[FaultKind: UInt64]>([:])

    public init() {}

    /// A fault of `kind` took effect.
    public func count(_ kind: FaultKind) { counts.withLock { $0[kind, default: 0] += 1 } }

    /// The counts so far (kinds with none are absent).
    public var snapshot: [FaultKind: UInt64] { counts.withLock { $0 } }
}
