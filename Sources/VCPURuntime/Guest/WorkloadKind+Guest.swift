import SPEDevice

/// What a VCPU's guest is given at boot.
public struct GuestSetup: Hashable, Sendable {
    /// The VCPU the guest runs on.
    public var vcpu: VCPUID
    /// Whether its VM has SPE (without it the guest makes no SPE access: they would be UNDEFINED).
    public var hasSPE: Bool
    /// Where its SPE driver puts its buffer (4 KiB aligned; the driver maps what it uses).
    public var bufferBase: UInt64
    /// The SPE PPI the VMM gave the VM.
    public var speINTID: UInt32 = 21
    /// Nanoseconds between the ticks of its virtual timer (`idle`, and `mixed`'s idle).
    public var timerPeriod: UInt64 = Self.defaultTimerPeriod
    /// The timer period a guest gets unless told otherwise: 100 µs.
    public static let defaultTimerPeriod: UInt64 = 100_000
    /// The guest's own seed (`mixed`'s choices); the run gives each VCPU its own.
    public var seed: UInt64
    /// How its SPE driver re-arms the buffer, and what it asks of the unit (`profile`, `mixed`).
    public var driverStyle = GuestDriverStyle.den0154
    public var sampling = GuestSampling.all
    /// A bound for tests (nil, the default: the guest runs until the run stops its VCPU). `profile`:
    /// chunks; `mixed`: rounds of a chunk and a choice; `idle`: timer interrupts; `trap-storm`:
    /// accesses. After it the guest finishes cleanly (a profiling guest disables its buffer) and
    /// powers off.
    public var iterations: Int?

    public init(vcpu: VCPUID, hasSPE: Bool, bufferBase: UInt64, seed: UInt64, iterations: Int? = nil) {
        self.vcpu = vcpu
        self.hasSPE = hasSPE
        self.bufferBase = bufferBase
        self.seed = seed
        self.iterations = iterations
    }
}

extension WorkloadKind {
    /// The guest of this kind for `setup`. Unbounded (``GuestSetup/iterations`` nil) it never runs
    /// out of steps: the run driver stops its VCPU when the run's budget is spent.
    public func makeGuest(_ setup: GuestSetup) -> any GuestWorkload {
        switch self {
        case .profile:
            ProfileWorkload(
                base: setup.bufferBase, chunks: setup.iterations, speINTID: setup.speINTID, hasSPE: setup.hasSPE,
                style: setup.driverStyle, sampling: setup.sampling)
        case .mixed:
            MixedWorkload(
                base: setup.bufferBase, hasSPE: setup.hasSPE, seed: setup.seed, timerPeriod: setup.timerPeriod,
                rounds: setup.iterations, speINTID: setup.speINTID, style: setup.driverStyle, sampling: setup.sampling)
        case .idle:
            TimerWorkload(period: setup.timerPeriod, periods: setup.iterations)
        case .trapStorm:
            TrapStormWorkload(hasSPE: setup.hasSPE, base: setup.bufferBase, accesses: setup.iterations)
        }
    }
}
