/// A latency the model measures, named by where it starts and where it ends. Every kind is
/// measured on both platforms with the platform's clock (virtual time on the simulated one, the
/// real clock on the live one), per VCPU and over the run.
public enum LatencyKind: String, CaseIterable, Hashable, Sendable, Comparable, CustomStringConvertible {
    /// A blocked VCPU's virtual interrupt is injected (the wake) → the VCPU is in the guest with it
    /// in a list register, deliverable.
    case wakeup
    /// The guest's virtual timer expires (`CNTV_CVAL_EL0` reached) → the guest runs its handler: the
    /// cyclictest-in-a-guest number.
    case timer
    /// A kick (an SGI to the CPU a VCPU runs on) becomes deliverable → that VCPU has exited.
    case kick
    /// The VCPU becomes runnable → it is in the guest (the host scheduler's delay).
    case runqueue
    /// A guest exit → the VCPU's next entry on the same CPU, when it re-enters without giving the
    /// CPU up (exit handling); ``exitSPE`` and ``exitRest`` split it.
    case exit
    /// The part of ``exit`` that is SPE's world switch (SPE.md §5's exit and entry steps).
    case exitSPE = "exit-spe"
    /// The rest of ``exit``: the world switch without SPE, and exit handling.
    case exitRest = "exit-rest"
    /// A hardware SPE management event (`PMBSR_EL1.S` set in the unit) → the guest's driver reads
    /// `PMBSR_EL1` and sees `S`, back in the guest.
    case speIRQ = "spe-irq"

    /// The kind's name in reports and JSON (`spe-irq`).
    public var description: String { rawValue }

    /// What the kind measures, for reports.
    public var summary: String {
        switch self {
        case .wakeup: "a blocked VCPU's virtual interrupt injected → in the guest with it deliverable"
        case .timer: "the guest's virtual timer expires → the guest runs its handler"
        case .kick: "a kick sent → the target VCPU has exited"
        case .runqueue: "runnable → in the guest"
        case .exit: "guest exit → next entry (exit handling, on the same CPU)"
        case .exitSPE: "the SPE world switch's part of an exit"
        case .exitRest: "the rest of an exit"
        case .speIRQ: "SPE management event in hardware → the guest's driver sees PMBSR_EL1.S"
        }
    }

    /// The kinds in the order reports list them.
    public static func < (a: LatencyKind, b: LatencyKind) -> Bool { a.index < b.index }

    /// The kind's position in ``allCases`` (report order).
    var index: Int {
        switch self {
        case .wakeup: 0
        case .timer: 1
        case .kick: 2
        case .runqueue: 3
        case .exit: 4
        case .exitSPE: 5
        case .exitRest: 6
        case .speIRQ: 7
        }
    }
}
